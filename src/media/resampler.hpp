#pragma once
// Offline sample-rate conversion for prompts and TTS output (decoded once, so quality over
// speed): band-limited interpolation with a Kaiser-windowed sinc, low-pass at the lower
// Nyquist frequency so downsampling does not alias.
#include <cstdint>
#include <span>
#include <vector>

namespace hotline::media {

std::vector<std::int16_t> resample(std::span<const std::int16_t> input, int from_rate, int to_rate);

}  // namespace hotline::media
