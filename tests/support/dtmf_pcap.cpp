#include "dtmf_pcap.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "pcap_writer.hpp"

namespace hotline::test {

namespace {

int event_code(char key) {
  if (key >= '0' && key <= '9') return key - '0';
  if (key == '*') return 10;
  if (key == '#') return 11;
  if (key >= 'A' && key <= 'D') return 12 + (key - 'A');
  throw std::runtime_error(std::string("not a DTMF key: ") + key);
}

}  // namespace

void write_dtmf_pcap(const std::string& path, const std::string& keys,
                     const DtmfPcapOptions& options) {
  PcapWriter pcap(path);
  constexpr std::uint32_t kSsrc = 0x484c5456;  // "HLTV"
  constexpr int kPacketMs = 20;
  std::uint16_t sequence = 1000;
  std::uint32_t timestamp = 8000;
  std::int64_t at_us = 1'700'000'000'000'000;
  // SIPp plays a capture from its first packet on: the lead-in is audio (PCMU silence, as a
  // phone sends while the caller listens), not a gap.
  for (int ms = 0; ms < options.lead_in_ms; ms += kPacketMs) {
    std::vector<std::uint8_t> rtp;
    rtp.push_back(0x80);
    rtp.push_back(0);  // PCMU
    put16(rtp, sequence++);
    put32(rtp, timestamp);
    put32(rtp, kSsrc);
    rtp.insert(rtp.end(), 160, 0xff);  // mu-law silence
    pcap.udp(at_us, rtp);
    at_us += kPacketMs * 1000;
    timestamp += 160;
  }
  for (const char key : keys) {
    const int code = event_code(key);
    const int packets = std::max(1, options.key_ms / kPacketMs);
    for (int i = 0; i < packets + 2; ++i) {  // the end packet goes three times (RFC 4733 2.5.1.4)
      const bool end = i >= packets - 1;
      const unsigned duration = static_cast<unsigned>(std::min(i + 1, packets) * kPacketMs * 8);
      std::vector<std::uint8_t> rtp;
      rtp.push_back(0x80);
      rtp.push_back(static_cast<std::uint8_t>((i == 0 ? 0x80 : 0) | options.payload_type));
      put16(rtp, sequence++);
      put32(rtp, timestamp);
      put32(rtp, kSsrc);
      rtp.push_back(static_cast<std::uint8_t>(code));
      rtp.push_back(static_cast<std::uint8_t>((end ? 0x80 : 0) | 10));  // volume -10 dBm0
      put16(rtp, duration);
      pcap.udp(at_us, rtp);
      at_us += kPacketMs * 1000;
    }
    at_us += options.gap_ms * 1000LL;
    timestamp += static_cast<std::uint32_t>((packets + 2) * kPacketMs * 8 + options.gap_ms * 8);
  }
}

}  // namespace hotline::test
