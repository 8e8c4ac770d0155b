#pragma once
// Reads the UDP payloads out of a classic libpcap capture (Ethernet or raw IPv4, little or big
// endian headers). Test support: enough for the SIPp sample captures.
#include <cstdint>
#include <string>
#include <vector>

namespace hotline::media::testing {

struct CapturedDatagram {
  double time_s = 0;  // capture timestamp
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  std::vector<std::uint8_t> payload;
};

// Empty when the file is missing or not a pcap file.
std::vector<CapturedDatagram> read_pcap_udp(const std::string& path);

}  // namespace hotline::media::testing
