// The tone checks real-peer tests rely on: a tone is found where it is and nowhere else.
#include "tone_analysis.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace hotline::test {
namespace {

namespace fs = std::filesystem;

// A canonical 44-byte-header PCM WAV written by hand, so the reader is checked against a file
// libsndfile did not write.
void write_pcm16_wav(const fs::path& path, const std::vector<std::int16_t>& interleaved,
                     std::uint16_t channels, std::uint32_t sample_rate) {
  std::ofstream out(path, std::ios::binary);
  const auto u32 = [&out](std::uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8) out.put(static_cast<char>(value >> shift));
  };
  const auto u16 = [&out](std::uint16_t value) {
    out.put(static_cast<char>(value));
    out.put(static_cast<char>(value >> 8));
  };
  const auto data_bytes = static_cast<std::uint32_t>(interleaved.size() * 2);
  out.write("RIFF", 4);
  u32(36 + data_bytes);
  out.write("WAVEfmt ", 8);
  u32(16);
  u16(1);  // PCM
  u16(channels);
  u32(sample_rate);
  u32(sample_rate * channels * 2);
  u16(static_cast<std::uint16_t>(channels * 2));
  u16(16);
  out.write("data", 4);
  u32(data_bytes);
  for (const auto sample : interleaved) u16(static_cast<std::uint16_t>(sample));
}

class ToneAnalysisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hotline-tone-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  WavAudio tone(double freq_hz, double seconds = 2.0) {
    const auto path = dir_ / ("tone-" + std::to_string(freq_hz) + ".wav");
    write_tone_wav(path, freq_hz, seconds);
    return read_wav(path);
  }

  fs::path dir_;
};

TEST_F(ToneAnalysisTest, WritesAMono8kHzFileOfTheRequestedLength) {
  const auto audio = tone(1000, 1.5);
  EXPECT_EQ(audio.sample_rate, 8000);
  ASSERT_EQ(audio.channels.size(), 1u);
  EXPECT_EQ(audio.frames(), 12000u);
  // -6 dBFS sine: mean power (0.5 A)^2 / 2.
  EXPECT_NEAR(mean_power(audio.channels[0]), 0.125, 0.002);
}

TEST_F(ToneAnalysisTest, FindsA1kHzTone) {
  const auto audio = tone(1000);
  EXPECT_GT(tone_power_ratio(audio.channels[0], audio.sample_rate, 1000), 0.95);
  EXPECT_LT(tone_power_ratio(audio.channels[0], audio.sample_rate, 440), 0.01);
  const auto dominant = dominant_frequency(audio.channels[0], audio.sample_rate, 300, 3400);
  ASSERT_TRUE(dominant);
  EXPECT_NEAR(dominant->freq_hz, 1000, 5);
  EXPECT_GT(dominant->power_ratio, 0.95);
}

TEST_F(ToneAnalysisTest, A440HzToneIsNot1kHz) {
  const auto audio = tone(440);
  EXPECT_LT(tone_power_ratio(audio.channels[0], audio.sample_rate, 1000), 0.01);
  EXPECT_GT(tone_power_ratio(audio.channels[0], audio.sample_rate, 440), 0.95);
  const auto dominant = dominant_frequency(audio.channels[0], audio.sample_rate, 300, 3400);
  ASSERT_TRUE(dominant);
  EXPECT_NEAR(dominant->freq_hz, 440, 5);
}

TEST_F(ToneAnalysisTest, SilenceHasNoDominantTone) {
  const auto audio = tone(0);
  EXPECT_EQ(mean_power(audio.channels[0]), 0.0);
  EXPECT_EQ(tone_power_ratio(audio.channels[0], audio.sample_rate, 1000), 0.0);
  EXPECT_FALSE(dominant_frequency(audio.channels[0], audio.sample_rate, 300, 3400));
}

TEST_F(ToneAnalysisTest, ATwoToneMixIsNotDominatedByEither) {
  auto audio = tone(1000);
  const auto other = tone(1700);
  for (std::size_t n = 0; n < audio.frames(); ++n) audio.channels[0][n] += other.channels[0][n];
  const double at_1k = tone_power_ratio(audio.channels[0], audio.sample_rate, 1000);
  EXPECT_NEAR(at_1k, 0.5, 0.05);
  EXPECT_FALSE(dominant_frequency(audio.channels[0], audio.sample_rate, 300, 3400, 5.0, 0.6));
}

TEST_F(ToneAnalysisTest, ReadsBothChannelsOfAStereoFile) {
  const auto left = tone(1000);
  const auto right = tone(440);
  const auto path = dir_ / "stereo.wav";
  {
    std::vector<std::int16_t> interleaved;
    for (std::size_t n = 0; n < left.frames(); ++n) {
      interleaved.push_back(static_cast<std::int16_t>(left.channels[0][n] * 32768.0));
      interleaved.push_back(static_cast<std::int16_t>(right.channels[0][n] * 32768.0));
    }
    write_pcm16_wav(path, interleaved, 2, 8000);
  }
  const auto audio = read_wav(path);
  ASSERT_EQ(audio.channels.size(), 2u);
  EXPECT_GT(tone_power_ratio(audio.channels[0], audio.sample_rate, 1000), 0.95);
  EXPECT_GT(tone_power_ratio(audio.channels[1], audio.sample_rate, 440), 0.95);
}

TEST_F(ToneAnalysisTest, AMissingFileIsAnError) {
  EXPECT_THROW(read_wav(dir_ / "missing.wav"), std::runtime_error);
}

}  // namespace
}  // namespace hotline::test
