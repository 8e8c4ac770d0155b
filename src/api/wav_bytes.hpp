#pragma once
// A clip of 16-bit mono PCM as the bytes of a WAV file, for previews sent to the browser.
#include <cstdint>
#include <span>
#include <string>

namespace hotline::api {

// RIFF/WAVE with one "fmt " (PCM, 1 channel, 16 bits) and one "data" chunk, little-endian.
std::string wav_bytes(std::span<const std::int16_t> samples, int sample_rate = 8000);

}  // namespace hotline::api
