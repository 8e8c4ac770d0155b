#pragma once
// RTCP sender and receiver reports (RFC 3550 section 6.4) in compound packets with an SDES
// CNAME, and a parser that reads the first SR/RR of a compound packet (and notes a BYE).
// Like RTP parsing this must survive any bytes and must not allocate.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace hotline::media {

struct RtcpReportBlock {
  std::uint32_t ssrc = 0;                 // the source this block reports on
  std::uint8_t fraction_lost = 0;         // fixed point, lost/expected * 256 since the last report
  std::int32_t cumulative_lost = 0;       // 24-bit signed on the wire
  std::uint32_t highest_sequence = 0;     // extended highest sequence number received
  std::uint32_t jitter = 0;               // interarrival jitter in RTP timestamp units
  std::uint32_t last_sr = 0;              // middle 32 bits of the last SR's NTP timestamp
  std::uint32_t delay_since_last_sr = 0;  // in 1/65536 s
};

struct RtcpSenderInfo {
  std::uint64_t ntp_timestamp = 0;
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;
};

inline constexpr std::size_t kMaxReportBlocks = 31;

struct RtcpReport {
  std::uint32_t ssrc = 0;        // the reporter
  bool has_sender_info = false;  // SR rather than RR
  RtcpSenderInfo sender;
  std::uint8_t block_count = 0;
  std::array<RtcpReportBlock, kMaxReportBlocks> blocks{};
  bool bye = false;  // the compound packet also carried a BYE
};

enum class RtcpParseError {
  none,
  too_short,
  bad_version,
  bad_length,    // a packet's length field runs past the datagram
  not_a_report,  // the compound packet does not start with SR or RR
};

RtcpParseError parse_rtcp(std::span<const std::uint8_t> datagram, RtcpReport& out);
// Writes SR (when report.has_sender_info) or RR, followed by SDES with the CNAME (truncated
// to 255 bytes). Returns the size, or 0 when `out` is too small.
std::size_t write_rtcp_report(const RtcpReport& report, std::string_view cname,
                              std::span<std::uint8_t> out);

// NTP timestamp (RFC 3550 section 4) from a wall-clock time in microseconds since 1970.
std::uint64_t ntp_from_unix_micros(std::int64_t unix_micros);

}  // namespace hotline::media
