#pragma once
// A minimal pcap file of RTP over UDP/IPv4, for SIPp's play_pcap_audio: SIPp sends each packet's
// UDP payload to the negotiated media address at the capture's pace, so the addresses only make
// it a valid capture.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace hotline::test {

// Big-endian fields of an RTP header.
void put16(std::vector<std::uint8_t>& out, unsigned value);
void put32(std::vector<std::uint8_t>& out, std::uint32_t value);

class PcapWriter {
 public:
  // Throws std::runtime_error when the file cannot be written.
  explicit PcapWriter(const std::string& path);

  // One UDP datagram 127.0.0.2:40000 -> 127.0.0.1:40002 at `at_us` (microseconds).
  void udp(std::int64_t at_us, const std::vector<std::uint8_t>& payload);

 private:
  std::ofstream file_;
  unsigned ident_ = 1;
};

}  // namespace hotline::test
