#pragma once
// RTP fixed header (RFC 3550 section 5.1) parse and build. Parsing never trusts a length field:
// every count is checked against the bytes actually received. Errors are an enum, not
// hotline::Error, because this runs per packet and must not allocate.
#include <cstddef>
#include <cstdint>
#include <span>

namespace hotline::media {

struct RtpHeader {
  bool marker = false;
  std::uint8_t payload_type = 0;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
};

enum class RtpParseError {
  none,
  too_short,           // fewer than 12 bytes
  bad_version,         // version is not 2
  csrc_overflow,       // CSRC list runs past the end
  extension_overflow,  // header extension runs past the end
  bad_padding,         // padding count is zero or longer than the payload
};

struct RtpPacketView {
  RtpHeader header;
  std::uint8_t csrc_count = 0;
  bool has_extension = false;
  std::span<const std::uint8_t> payload;  // padding already removed
};

inline constexpr std::size_t kRtpHeaderBytes = 12;

RtpParseError parse_rtp(std::span<const std::uint8_t> datagram, RtpPacketView& out);
// Writes header + payload (no CSRCs, extension or padding). Returns the packet size, or 0 when
// `out` is too small.
std::size_t write_rtp(const RtpHeader& header, std::span<const std::uint8_t> payload,
                      std::span<std::uint8_t> out);

// RTCP packet types 200..204 in the second byte identify RTCP on a shared port (RFC 5761).
bool looks_like_rtcp(std::span<const std::uint8_t> datagram);

}  // namespace hotline::media
