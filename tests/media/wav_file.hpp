#pragma once
// Minimal 16-bit PCM WAV reading and writing for tests (independent of the code under test).
#include <cstdint>
#include <string>
#include <vector>

namespace hotline::media::testing {

void write_wav(const std::string& path, int rate, int channels,
               const std::vector<std::int16_t>& samples);

struct WavContents {
  int rate = 0;
  int channels = 0;
  std::vector<std::int16_t> samples;  // interleaved
};
// Empty samples when the file is not a PCM16 WAV.
WavContents read_wav(const std::string& path);

}  // namespace hotline::media::testing
