#include "dtmf_pcap.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace hotline::test {

namespace {

int event_code(char key) {
  if (key >= '0' && key <= '9') return key - '0';
  if (key == '*') return 10;
  if (key == '#') return 11;
  if (key >= 'A' && key <= 'D') return 12 + (key - 'A');
  throw std::runtime_error(std::string("not a DTMF key: ") + key);
}

void put16(std::vector<std::uint8_t>& out, unsigned value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  put16(out, value >> 16);
  put16(out, value & 0xffff);
}
void put32_le(std::ofstream& file, std::uint32_t value) {
  const std::array<char, 4> bytes{static_cast<char>(value), static_cast<char>(value >> 8),
                                  static_cast<char>(value >> 16), static_cast<char>(value >> 24)};
  file.write(bytes.data(), bytes.size());
}

class PcapWriter {
 public:
  explicit PcapWriter(const std::string& path) : file_(path, std::ios::binary) {
    if (!file_) throw std::runtime_error("cannot write " + path);
    put32_le(file_, 0xa1b2c3d4);  // microsecond timestamps, our byte order
    put32_le(file_, 0x00040002);  // version 2.4
    put32_le(file_, 0);           // time zone
    put32_le(file_, 0);           // accuracy
    put32_le(file_, 65535);       // snap length
    put32_le(file_, 1);           // Ethernet
  }

  // One UDP datagram 127.0.0.2:40000 -> 127.0.0.1:40002 at `at_us`; SIPp sends its payload to
  // the negotiated media address, so the addresses only make it a valid capture.
  void udp(std::int64_t at_us, const std::vector<std::uint8_t>& payload) {
    std::vector<std::uint8_t> frame(12, 0);  // MAC addresses
    put16(frame, 0x0800);
    const unsigned ip_length = 20 + 8 + static_cast<unsigned>(payload.size());
    const std::size_t ip_start = frame.size();
    frame.insert(frame.end(), {0x45, 0x00});
    put16(frame, ip_length);
    put16(frame, ident_++);
    put16(frame, 0);
    frame.insert(frame.end(), {64, 17});
    put16(frame, 0);  // checksum, below
    put32(frame, 0x7f000002);
    put32(frame, 0x7f000001);
    std::uint32_t sum = 0;
    for (std::size_t i = ip_start; i < ip_start + 20; i += 2)
      sum += static_cast<std::uint32_t>(frame[i] << 8 | frame[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    frame[ip_start + 10] = static_cast<std::uint8_t>(~sum >> 8);
    frame[ip_start + 11] = static_cast<std::uint8_t>(~sum);
    put16(frame, 40000);
    put16(frame, 40002);
    put16(frame, 8 + static_cast<unsigned>(payload.size()));
    put16(frame, 0);  // no UDP checksum
    frame.insert(frame.end(), payload.begin(), payload.end());
    put32_le(file_, static_cast<std::uint32_t>(at_us / 1'000'000));
    put32_le(file_, static_cast<std::uint32_t>(at_us % 1'000'000));
    put32_le(file_, static_cast<std::uint32_t>(frame.size()));
    put32_le(file_, static_cast<std::uint32_t>(frame.size()));
    file_.write(reinterpret_cast<const char*>(frame.data()),
                static_cast<std::streamsize>(frame.size()));
  }

 private:
  std::ofstream file_;
  unsigned ident_ = 1;
};

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
