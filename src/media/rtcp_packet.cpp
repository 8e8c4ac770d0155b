#include "media/rtcp_packet.hpp"

#include <algorithm>
#include <cstring>

#include "media/byte_order.hpp"

namespace hotline::media {

namespace {

constexpr std::uint8_t kSenderReport = 200;
constexpr std::uint8_t kReceiverReport = 201;
constexpr std::uint8_t kSourceDescription = 202;
constexpr std::uint8_t kGoodbye = 203;
constexpr std::uint8_t kSdesCname = 1;
constexpr std::size_t kReportBlockBytes = 24;
constexpr std::size_t kSenderInfoBytes = 20;

void read_block(const std::uint8_t* p, RtcpReportBlock& block) {
  block.ssrc = read_be32(p);
  block.fraction_lost = p[4];
  std::int32_t lost = static_cast<std::int32_t>((p[5] << 16) | (p[6] << 8) | p[7]);
  if (lost & 0x800000) lost -= 0x1000000;  // sign-extend 24 bits
  block.cumulative_lost = lost;
  block.highest_sequence = read_be32(p + 8);
  block.jitter = read_be32(p + 12);
  block.last_sr = read_be32(p + 16);
  block.delay_since_last_sr = read_be32(p + 20);
}

void write_block(std::uint8_t* p, const RtcpReportBlock& block) {
  write_be32(p, block.ssrc);
  p[4] = block.fraction_lost;
  const std::int32_t lost = std::clamp(block.cumulative_lost, -0x800000, 0x7FFFFF);
  const auto wire = static_cast<std::uint32_t>(lost) & 0xFFFFFF;
  p[5] = static_cast<std::uint8_t>(wire >> 16);
  p[6] = static_cast<std::uint8_t>(wire >> 8);
  p[7] = static_cast<std::uint8_t>(wire);
  write_be32(p + 8, block.highest_sequence);
  write_be32(p + 12, block.jitter);
  write_be32(p + 16, block.last_sr);
  write_be32(p + 20, block.delay_since_last_sr);
}

}  // namespace

RtcpParseError parse_rtcp(std::span<const std::uint8_t> datagram, RtcpReport& out) {
  if (datagram.size() < 8) return RtcpParseError::too_short;
  out = RtcpReport{};
  bool first = true;
  std::size_t offset = 0;
  while (offset + 4 <= datagram.size()) {
    const std::uint8_t* p = datagram.data() + offset;
    if ((p[0] >> 6) != 2) return RtcpParseError::bad_version;
    const std::size_t count = p[0] & 0x1F;
    const std::uint8_t type = p[1];
    const std::size_t length = (std::size_t{read_be16(p + 2)} + 1) * 4;
    if (offset + length > datagram.size()) return RtcpParseError::bad_length;
    if (first && type != kSenderReport && type != kReceiverReport)
      return RtcpParseError::not_a_report;
    if (first) {
      std::size_t body = 8;
      if (length < body) return RtcpParseError::bad_length;
      out.ssrc = read_be32(p + 4);
      if (type == kSenderReport) {
        if (length < body + kSenderInfoBytes) return RtcpParseError::bad_length;
        out.has_sender_info = true;
        const std::uint64_t ntp_high = read_be32(p + 8);
        out.sender.ntp_timestamp = (ntp_high << 32) | read_be32(p + 12);
        out.sender.rtp_timestamp = read_be32(p + 16);
        out.sender.packet_count = read_be32(p + 20);
        out.sender.octet_count = read_be32(p + 24);
        body += kSenderInfoBytes;
      }
      if (body + count * kReportBlockBytes > length) return RtcpParseError::bad_length;
      for (std::size_t i = 0; i < count; ++i)
        read_block(p + body + i * kReportBlockBytes, out.blocks[i]);
      out.block_count = static_cast<std::uint8_t>(count);
    } else if (type == kGoodbye) {
      out.bye = true;
    }
    first = false;
    offset += length;
  }
  return first ? RtcpParseError::too_short : RtcpParseError::none;
}

std::size_t write_rtcp_report(const RtcpReport& report, std::string_view cname,
                              std::span<std::uint8_t> out) {
  const std::size_t blocks = std::min<std::size_t>(report.block_count, kMaxReportBlocks);
  const std::size_t report_size =
      8 + (report.has_sender_info ? kSenderInfoBytes : 0) + blocks * kReportBlockBytes;
  cname = cname.substr(0, 255);
  // SDES: header, SSRC, item type, length, text, then a null item and padding to 32 bits.
  const std::size_t sdes_unpadded = 4 + 4 + 2 + cname.size() + 1;
  const std::size_t sdes_size = (sdes_unpadded + 3) / 4 * 4;
  if (out.size() < report_size + sdes_size) return 0;

  std::uint8_t* p = out.data();
  p[0] = static_cast<std::uint8_t>(0x80 | blocks);
  p[1] = report.has_sender_info ? kSenderReport : kReceiverReport;
  write_be16(p + 2, static_cast<std::uint16_t>(report_size / 4 - 1));
  write_be32(p + 4, report.ssrc);
  std::size_t offset = 8;
  if (report.has_sender_info) {
    write_be32(p + 8, static_cast<std::uint32_t>(report.sender.ntp_timestamp >> 32));
    write_be32(p + 12, static_cast<std::uint32_t>(report.sender.ntp_timestamp));
    write_be32(p + 16, report.sender.rtp_timestamp);
    write_be32(p + 20, report.sender.packet_count);
    write_be32(p + 24, report.sender.octet_count);
    offset += kSenderInfoBytes;
  }
  for (std::size_t i = 0; i < blocks; ++i, offset += kReportBlockBytes)
    write_block(p + offset, report.blocks[i]);

  std::uint8_t* sdes = p + report_size;
  std::memset(sdes, 0, sdes_size);
  sdes[0] = 0x81;  // one chunk
  sdes[1] = kSourceDescription;
  write_be16(sdes + 2, static_cast<std::uint16_t>(sdes_size / 4 - 1));
  write_be32(sdes + 4, report.ssrc);
  sdes[8] = kSdesCname;
  sdes[9] = static_cast<std::uint8_t>(cname.size());
  if (!cname.empty()) std::memcpy(sdes + 10, cname.data(), cname.size());
  return report_size + sdes_size;
}

std::uint64_t ntp_from_unix_micros(std::int64_t unix_micros) {
  constexpr std::uint64_t kNtpUnixOffsetSeconds = 2208988800ULL;  // 1900 to 1970
  const auto seconds = static_cast<std::uint64_t>(unix_micros / 1'000'000) + kNtpUnixOffsetSeconds;
  const auto micros = static_cast<std::uint64_t>(unix_micros % 1'000'000);
  const std::uint64_t fraction = (micros << 32) / 1'000'000;
  return (seconds << 32) | fraction;
}

}  // namespace hotline::media
