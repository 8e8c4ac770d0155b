#pragma once
// ITU-T G.711 companding (PCMU = mu-law, PCMA = A-law) between 16-bit linear PCM and 8-bit
// codes. Encoding follows the G.711 decision values, with negative inputs quantised on their
// one's complement as the ITU reference implementation (G.191) does.
#include <cstdint>
#include <span>

namespace hotline::media::g711 {

std::uint8_t linear_to_ulaw(std::int16_t sample);
std::int16_t ulaw_to_linear(std::uint8_t code);
std::uint8_t linear_to_alaw(std::int16_t sample);
std::int16_t alaw_to_linear(std::uint8_t code);

// Direct transcoding through the linear value.
std::uint8_t ulaw_to_alaw(std::uint8_t code);
std::uint8_t alaw_to_ulaw(std::uint8_t code);

// Block helpers; `out` must be at least as long as the input.
void encode_ulaw(std::span<const std::int16_t> samples, std::span<std::uint8_t> out);
void decode_ulaw(std::span<const std::uint8_t> codes, std::span<std::int16_t> out);
void encode_alaw(std::span<const std::int16_t> samples, std::span<std::uint8_t> out);
void decode_alaw(std::span<const std::uint8_t> codes, std::span<std::int16_t> out);

}  // namespace hotline::media::g711
