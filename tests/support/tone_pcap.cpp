#include "tone_pcap.hpp"

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "media/g711.hpp"
#include "pcap_writer.hpp"

namespace hotline::test {

void write_tone_pcap(const std::string& path, double freq_hz, double seconds, G711 codec) {
  PcapWriter pcap(path);
  // Each tone its own source: SIPp replays every capture from its first packet, so two captures
  // played one after the other on a call must not look like one stream going back in time.
  const std::uint32_t ssrc =
      0x484c0000u + static_cast<std::uint32_t>(freq_hz) + (codec == G711::pcma ? 0x8000u : 0u);
  constexpr int kSamplesPerPacket = 160;  // 20 ms at 8 kHz
  constexpr double kAmplitude = 0.5 * 32767;
  const int packets = static_cast<int>(seconds * 50);
  std::uint16_t sequence = 2000;
  std::uint32_t timestamp = 16000;
  std::int64_t at_us = 1'700'000'000'000'000;
  std::int64_t sample = 0;
  for (int p = 0; p < packets; ++p) {
    std::vector<std::uint8_t> rtp;
    rtp.push_back(0x80);
    rtp.push_back(codec == G711::pcmu ? 0 : 8);
    put16(rtp, sequence++);
    put32(rtp, timestamp);
    put32(rtp, ssrc);
    for (int i = 0; i < kSamplesPerPacket; ++i, ++sample) {
      const double value = kAmplitude * std::sin(2 * std::numbers::pi * freq_hz *
                                                 static_cast<double>(sample) / 8000);
      const auto linear = static_cast<std::int16_t>(std::lround(value));
      rtp.push_back(codec == G711::pcmu ? media::g711::linear_to_ulaw(linear)
                                        : media::g711::linear_to_alaw(linear));
    }
    pcap.udp(at_us, rtp);
    at_us += 20'000;
    timestamp += kSamplesPerPacket;
  }
}

}  // namespace hotline::test
