#include "media/g711.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "media/audio_codec.hpp"

namespace hotline::media {
namespace {

// Decoder outputs from ITU-T G.711 Table 2 (mu-law) and Table 1 (A-law), given there in
// 14-bit and 13-bit units and scaled here to 16-bit samples (x4 and x8).
struct Reference {
  std::uint8_t code;
  std::int16_t value;
};

TEST(G711, UlawDecodesToTheTableValues) {
  const Reference table[] = {
      {0x00, -32124}, {0x01, -31100}, {0x0F, -16764}, {0x10, -15996}, {0x70, -120}, {0x7E, -8},
      {0x7F, 0},      {0x80, 32124},  {0x8F, 16764},  {0xF0, 120},    {0xFE, 8},    {0xFF, 0},
      {0x50, -876},   {0x60, -372},   {0xE0, 372},    {0x5A, -556},
  };
  for (const auto& row : table)
    EXPECT_EQ(g711::ulaw_to_linear(row.code), row.value) << int(row.code);
}

TEST(G711, AlawDecodesToTheTableValues) {
  const Reference table[] = {
      {0xD5, 8},     {0x55, -8},   {0xAA, 32256}, {0x2A, -32256}, {0x80, 5504},
      {0x00, -5504}, {0xC5, 264},  {0xE0, 1376},  {0x60, -1376},  {0xD4, 24},
      {0xF5, 528},   {0xFA, 1008}, {0x9A, 4032},  {0xA1, 20992},
  };
  for (const auto& row : table)
    EXPECT_EQ(g711::alaw_to_linear(row.code), row.value) << int(row.code);
}

TEST(G711, EncodesTheRangeEndsAndZero) {
  EXPECT_EQ(g711::linear_to_ulaw(0), 0xFF);
  EXPECT_EQ(g711::linear_to_ulaw(-1), 0x7F);  // one's complement: -1 is the negative zero
  EXPECT_EQ(g711::linear_to_ulaw(32767), 0x80);
  EXPECT_EQ(g711::linear_to_ulaw(-32768), 0x00);
  EXPECT_EQ(g711::linear_to_alaw(0), 0xD5);
  EXPECT_EQ(g711::linear_to_alaw(-1), 0x55);
  EXPECT_EQ(g711::linear_to_alaw(32767), 0xAA);
  EXPECT_EQ(g711::linear_to_alaw(-32768), 0x2A);
}

// mu-law 14-bit decision values (Table 2): steps of 2 up to 30, then 4 from 33.
TEST(G711, UlawFollowsTheDecisionValues) {
  EXPECT_EQ(g711::ulaw_to_linear(g711::linear_to_ulaw(1 * 4)), 2 * 4);
  EXPECT_EQ(g711::ulaw_to_linear(g711::linear_to_ulaw(2 * 4)), 2 * 4);
  EXPECT_EQ(g711::ulaw_to_linear(g711::linear_to_ulaw(3 * 4)), 4 * 4);
  EXPECT_EQ(g711::ulaw_to_linear(g711::linear_to_ulaw(30 * 4)), 30 * 4);
  EXPECT_EQ(g711::ulaw_to_linear(g711::linear_to_ulaw(31 * 4)), 33 * 4);  // segment 1 starts
  EXPECT_EQ(g711::ulaw_to_linear(g711::linear_to_ulaw(34 * 4)), 33 * 4);
  EXPECT_EQ(g711::ulaw_to_linear(g711::linear_to_ulaw(35 * 4)), 37 * 4);
  EXPECT_EQ(g711::ulaw_to_linear(g711::linear_to_ulaw(8158 * 4)), 8031 * 4);
}

TEST(G711, EveryCodeSurvivesDecodeThenEncode) {
  for (int code = 0; code < 256; ++code) {
    const auto c = static_cast<std::uint8_t>(code);
    EXPECT_EQ(g711::linear_to_alaw(g711::alaw_to_linear(c)), c) << code;
    // 0x7F is mu-law's negative zero; it decodes to 0, which encodes as 0xFF.
    if (c != 0x7F) {
      EXPECT_EQ(g711::linear_to_ulaw(g711::ulaw_to_linear(c)), c) << code;
    }
  }
}

TEST(G711, QuantisationIsMonotonicAndBounded) {
  int previous_ulaw = -40000;
  int previous_alaw = -40000;
  for (int x = -32768; x <= 32767; ++x) {
    const auto sample = static_cast<std::int16_t>(x);
    const int ulaw = g711::ulaw_to_linear(g711::linear_to_ulaw(sample));
    const int alaw = g711::alaw_to_linear(g711::linear_to_alaw(sample));
    ASSERT_GE(ulaw, previous_ulaw) << x;
    ASSERT_GE(alaw, previous_alaw) << x;
    previous_ulaw = ulaw;
    previous_alaw = alaw;
    // Largest step is 1024 (mu-law) / 1024 (A-law) in 16-bit units; error within one step
    // (the clipped top of mu-law included).
    ASSERT_LE(std::abs(ulaw - x), 1024) << x;
    ASSERT_LE(std::abs(alaw - x), 1024) << x;
    // Relative error stays within G.711's ~6% outside the lowest segments.
    if (std::abs(x) > 512) {
      ASSERT_LE(std::abs(ulaw - x) * 100, std::abs(x) * 7) << x;
      ASSERT_LE(std::abs(alaw - x) * 100, std::abs(x) * 7) << x;
    }
  }
}

TEST(G711, TranscodesBetweenLaws) {
  for (int code = 0; code < 256; ++code) {
    const auto c = static_cast<std::uint8_t>(code);
    EXPECT_EQ(g711::ulaw_to_alaw(c), g711::linear_to_alaw(g711::ulaw_to_linear(c)));
    EXPECT_EQ(g711::alaw_to_ulaw(c), g711::linear_to_ulaw(g711::alaw_to_linear(c)));
  }
  EXPECT_EQ(g711::ulaw_to_alaw(0xFF), 0xD5);  // silence stays silence
  EXPECT_EQ(g711::alaw_to_ulaw(0xD5), 0xFE);  // +8 is mu-law's smallest positive step
}

TEST(CodecTable, FindsCodecsByNameAndPayloadType) {
  ASSERT_NE(find_codec("pcmu", 8000), nullptr);
  EXPECT_EQ(find_codec("PCMU", 8000)->static_payload_type, 0);
  EXPECT_EQ(find_codec("PCMA", 8000)->static_payload_type, 8);
  EXPECT_EQ(find_codec("PCMA", 16000), nullptr);
  EXPECT_EQ(find_codec("G729", 8000), nullptr);
  EXPECT_EQ(find_codec_by_static_payload_type(0), &pcmu_codec());
  EXPECT_EQ(find_codec_by_static_payload_type(8), &pcma_codec());
  EXPECT_EQ(find_codec_by_static_payload_type(18), nullptr);
}

TEST(CodecTable, CodecsEncodeDecodeAndTranscodeThroughTheInterface) {
  auto ulaw = pcmu_codec().create();
  auto alaw = pcma_codec().create();
  const std::int16_t samples[] = {0, 1000, -1000, 32767, -32768};
  std::uint8_t encoded[5];
  ASSERT_EQ(ulaw->encode(samples, encoded), 5u);
  std::uint8_t transcoded[5];
  ASSERT_EQ(transcode(*ulaw, *alaw, encoded, transcoded), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(transcoded[i], g711::ulaw_to_alaw(encoded[i]));
  std::int16_t decoded[5];
  ASSERT_EQ(alaw->decode(transcoded, decoded), 5u);
  EXPECT_EQ(decoded[0], 8);
  EXPECT_EQ(ulaw->silence_byte(), 0xFF);
  EXPECT_EQ(alaw->silence_byte(), 0xD5);
  std::uint8_t small[2];
  EXPECT_EQ(ulaw->encode(samples, small), 0u);
}

}  // namespace
}  // namespace hotline::media
