#include "wav_file.hpp"

#include <cstring>
#include <fstream>
#include <iterator>

namespace hotline::media::testing {

namespace {

void put32(std::ofstream& out, std::uint32_t value) {
  const char bytes[4] = {static_cast<char>(value), static_cast<char>(value >> 8),
                         static_cast<char>(value >> 16), static_cast<char>(value >> 24)};
  out.write(bytes, 4);
}

void put16(std::ofstream& out, std::uint16_t value) {
  const char bytes[2] = {static_cast<char>(value), static_cast<char>(value >> 8)};
  out.write(bytes, 2);
}

std::uint32_t get32(const std::vector<std::uint8_t>& b, std::size_t o) {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (static_cast<std::uint32_t>(b[o + 3]) << 24);
}

std::uint16_t get16(const std::vector<std::uint8_t>& b, std::size_t o) {
  return static_cast<std::uint16_t>(b[o] | (b[o + 1] << 8));
}

}  // namespace

void write_wav(const std::string& path, int rate, int channels,
               const std::vector<std::int16_t>& samples) {
  std::ofstream out(path, std::ios::binary);
  const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
  out.write("RIFF", 4);
  put32(out, 36 + data_bytes);
  out.write("WAVEfmt ", 8);
  put32(out, 16);
  put16(out, 1);
  put16(out, static_cast<std::uint16_t>(channels));
  put32(out, static_cast<std::uint32_t>(rate));
  put32(out, static_cast<std::uint32_t>(rate * channels * 2));
  put16(out, static_cast<std::uint16_t>(channels * 2));
  put16(out, 16);
  out.write("data", 4);
  put32(out, data_bytes);
  for (const auto sample : samples) put16(out, static_cast<std::uint16_t>(sample));
}

WavContents read_wav(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> b((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
  WavContents wav;
  if (b.size() < 12 || std::memcmp(b.data(), "RIFF", 4) != 0 ||
      std::memcmp(b.data() + 8, "WAVE", 4) != 0)
    return wav;
  std::size_t offset = 12;
  int bits = 0;
  while (offset + 8 <= b.size()) {
    const std::uint32_t size = get32(b, offset + 4);
    const std::size_t body = offset + 8;
    if (std::memcmp(b.data() + offset, "fmt ", 4) == 0 && body + 16 <= b.size()) {
      wav.channels = get16(b, body + 2);
      wav.rate = static_cast<int>(get32(b, body + 4));
      bits = get16(b, body + 14);
    } else if (std::memcmp(b.data() + offset, "data", 4) == 0 && bits == 16) {
      const std::size_t end = std::min<std::size_t>(b.size(), body + size);
      for (std::size_t i = body; i + 1 < end; i += 2)
        wav.samples.push_back(static_cast<std::int16_t>(get16(b, i)));
      return wav;
    }
    offset = body + size + (size & 1);
  }
  return wav;
}

}  // namespace hotline::media::testing
