#include "media/rtp_packet.hpp"

#include <cstring>

#include "media/byte_order.hpp"

namespace hotline::media {

RtpParseError parse_rtp(std::span<const std::uint8_t> datagram, RtpPacketView& out) {
  if (datagram.size() < kRtpHeaderBytes) return RtpParseError::too_short;
  const std::uint8_t* bytes = datagram.data();
  if ((bytes[0] >> 6) != 2) return RtpParseError::bad_version;
  const bool padding = (bytes[0] & 0x20) != 0;
  const bool extension = (bytes[0] & 0x10) != 0;
  const std::uint8_t csrc_count = bytes[0] & 0x0F;

  std::size_t offset = kRtpHeaderBytes + std::size_t{csrc_count} * 4;
  if (offset > datagram.size()) return RtpParseError::csrc_overflow;
  if (extension) {
    if (offset + 4 > datagram.size()) return RtpParseError::extension_overflow;
    const std::size_t words = read_be16(bytes + offset + 2);
    offset += 4 + words * 4;
    if (offset > datagram.size()) return RtpParseError::extension_overflow;
  }
  std::size_t end = datagram.size();
  if (padding) {
    const std::size_t padding_bytes = bytes[end - 1];
    if (padding_bytes == 0 || padding_bytes > end - offset) return RtpParseError::bad_padding;
    end -= padding_bytes;
  }

  out.header.marker = (bytes[1] & 0x80) != 0;
  out.header.payload_type = bytes[1] & 0x7F;
  out.header.sequence = read_be16(bytes + 2);
  out.header.timestamp = read_be32(bytes + 4);
  out.header.ssrc = read_be32(bytes + 8);
  out.csrc_count = csrc_count;
  out.has_extension = extension;
  out.payload = datagram.subspan(offset, end - offset);
  return RtpParseError::none;
}

std::size_t write_rtp(const RtpHeader& header, std::span<const std::uint8_t> payload,
                      std::span<std::uint8_t> out) {
  const std::size_t size = kRtpHeaderBytes + payload.size();
  if (out.size() < size) return 0;
  std::uint8_t* bytes = out.data();
  bytes[0] = 0x80;  // version 2, no padding, no extension, no CSRCs
  bytes[1] = static_cast<std::uint8_t>((header.marker ? 0x80 : 0) | (header.payload_type & 0x7F));
  write_be16(bytes + 2, header.sequence);
  write_be32(bytes + 4, header.timestamp);
  write_be32(bytes + 8, header.ssrc);
  if (!payload.empty()) std::memcpy(bytes + kRtpHeaderBytes, payload.data(), payload.size());
  return size;
}

bool looks_like_rtcp(std::span<const std::uint8_t> datagram) {
  return datagram.size() >= 2 && datagram[1] >= 200 && datagram[1] <= 204;
}

}  // namespace hotline::media
