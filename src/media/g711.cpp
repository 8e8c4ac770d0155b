#include "media/g711.hpp"

#include <array>

namespace hotline::media::g711 {

namespace {

// mu-law works on 14-bit magnitudes with a bias of 33; biased values clip at 0x1FFF.
constexpr int kUlawBias = 33;
constexpr int kUlawMaxBiased = 0x1FFF;

constexpr std::int16_t decode_ulaw_code(std::uint8_t code) {
  const int inverted = ~code & 0xFF;
  const int segment = (inverted >> 4) & 0x07;
  const int mantissa = inverted & 0x0F;
  const int magnitude = (((2 * mantissa) + kUlawBias) << segment) - kUlawBias;  // 14-bit units
  const int value = magnitude * 4;                                              // to 16 bits
  return static_cast<std::int16_t>((inverted & 0x80) ? -value : value);
}

constexpr std::int16_t decode_alaw_code(std::uint8_t code) {
  const int toggled = code ^ 0x55;  // even bits are inverted on the line
  const int segment = (toggled >> 4) & 0x07;
  const int mantissa = toggled & 0x0F;
  const int magnitude =
      segment == 0 ? (2 * mantissa + 1) : ((2 * mantissa + 33) << (segment - 1));  // 13-bit units
  const int value = magnitude * 8;
  return static_cast<std::int16_t>((toggled & 0x80) ? value : -value);
}

constexpr auto make_table(std::int16_t (*decode)(std::uint8_t)) {
  std::array<std::int16_t, 256> table{};
  for (int code = 0; code < 256; ++code) table[code] = decode(static_cast<std::uint8_t>(code));
  return table;
}

constexpr auto kUlawTable = make_table(decode_ulaw_code);
constexpr auto kAlawTable = make_table(decode_alaw_code);

}  // namespace

std::uint8_t linear_to_ulaw(std::int16_t sample) {
  const bool negative = sample < 0;
  // One's complement for negatives: -1..-4 land on the same step as 0..3, as in G.191.
  int magnitude = (negative ? ~static_cast<int>(sample) : static_cast<int>(sample)) >> 2;
  magnitude += kUlawBias;
  if (magnitude > kUlawMaxBiased) magnitude = kUlawMaxBiased;
  int segment = 0;
  for (int limit = 0x3F; magnitude > limit && segment < 7; limit = (limit << 1) | 1) ++segment;
  const int mantissa = (magnitude >> (segment + 1)) & 0x0F;
  const int code = (segment << 4) | mantissa;
  return static_cast<std::uint8_t>(negative ? (code ^ 0x7F) : (code ^ 0xFF));
}

std::int16_t ulaw_to_linear(std::uint8_t code) {
  return kUlawTable[code];
}

std::uint8_t linear_to_alaw(std::int16_t sample) {
  const bool negative = sample < 0;
  // 12-bit magnitude (13-bit signed input), one's complement for negatives as in G.191.
  const int magnitude = (negative ? ~static_cast<int>(sample) : static_cast<int>(sample)) >> 4;
  int code;
  if (magnitude < 32) {
    code = magnitude;  // segments 0 and 1 share one step size
  } else {
    int segment = 2;
    while (magnitude >= (16 << segment)) ++segment;  // magnitude < 2048 keeps segment <= 7
    code = (segment << 4) | ((magnitude >> (segment - 1)) & 0x0F);
  }
  if (!negative) code |= 0x80;
  return static_cast<std::uint8_t>(code ^ 0x55);
}

std::int16_t alaw_to_linear(std::uint8_t code) {
  return kAlawTable[code];
}

std::uint8_t ulaw_to_alaw(std::uint8_t code) {
  return linear_to_alaw(ulaw_to_linear(code));
}

std::uint8_t alaw_to_ulaw(std::uint8_t code) {
  return linear_to_ulaw(alaw_to_linear(code));
}

void encode_ulaw(std::span<const std::int16_t> samples, std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < samples.size() && i < out.size(); ++i)
    out[i] = linear_to_ulaw(samples[i]);
}

void decode_ulaw(std::span<const std::uint8_t> codes, std::span<std::int16_t> out) {
  for (std::size_t i = 0; i < codes.size() && i < out.size(); ++i) out[i] = kUlawTable[codes[i]];
}

void encode_alaw(std::span<const std::int16_t> samples, std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < samples.size() && i < out.size(); ++i)
    out[i] = linear_to_alaw(samples[i]);
}

void decode_alaw(std::span<const std::uint8_t> codes, std::span<std::int16_t> out) {
  for (std::size_t i = 0; i < codes.size() && i < out.size(); ++i) out[i] = kAlawTable[codes[i]];
}

}  // namespace hotline::media::g711
