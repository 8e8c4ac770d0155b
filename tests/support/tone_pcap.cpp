#include "tone_pcap.hpp"

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "media/g711.hpp"
#include "pcap_writer.hpp"

namespace hotline::test {

void write_tone_pcap(const std::string& path, double freq_hz, double seconds) {
  PcapWriter pcap(path);
  constexpr std::uint32_t kSsrc = 0x484c5454;  // "HLTT"
  constexpr int kSamplesPerPacket = 160;       // 20 ms at 8 kHz
  constexpr double kAmplitude = 0.5 * 32767;
  const int packets = static_cast<int>(seconds * 50);
  std::uint16_t sequence = 2000;
  std::uint32_t timestamp = 16000;
  std::int64_t at_us = 1'700'000'000'000'000;
  std::int64_t sample = 0;
  for (int p = 0; p < packets; ++p) {
    std::vector<std::uint8_t> rtp;
    rtp.push_back(0x80);
    rtp.push_back(0);  // PCMU
    put16(rtp, sequence++);
    put32(rtp, timestamp);
    put32(rtp, kSsrc);
    for (int i = 0; i < kSamplesPerPacket; ++i, ++sample) {
      const double value = kAmplitude * std::sin(2 * std::numbers::pi * freq_hz *
                                                 static_cast<double>(sample) / 8000);
      rtp.push_back(media::g711::linear_to_ulaw(static_cast<std::int16_t>(std::lround(value))));
    }
    pcap.udp(at_us, rtp);
    at_us += 20'000;
    timestamp += kSamplesPerPacket;
  }
}

}  // namespace hotline::test
