#include "media/rtp_packet.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "media/rtcp_packet.hpp"

namespace hotline::media {
namespace {

std::vector<std::uint8_t> packet(std::initializer_list<std::uint8_t> bytes) {
  return std::vector<std::uint8_t>(bytes);
}

TEST(RtpPacket, BuildsAndParsesTheFixedHeader) {
  const RtpHeader header{true, 8, 0xBEEF, 0x01020304, 0xCAFEBABE};
  const std::uint8_t payload[] = {1, 2, 3};
  std::uint8_t buffer[64];
  const std::size_t size = write_rtp(header, payload, buffer);
  ASSERT_EQ(size, 15u);
  EXPECT_EQ(buffer[0], 0x80);
  EXPECT_EQ(buffer[1], 0x88);
  RtpPacketView view;
  ASSERT_EQ(parse_rtp(std::span(buffer, size), view), RtpParseError::none);
  EXPECT_TRUE(view.header.marker);
  EXPECT_EQ(view.header.payload_type, 8);
  EXPECT_EQ(view.header.sequence, 0xBEEF);
  EXPECT_EQ(view.header.timestamp, 0x01020304u);
  EXPECT_EQ(view.header.ssrc, 0xCAFEBABEu);
  ASSERT_EQ(view.payload.size(), 3u);
  EXPECT_EQ(view.payload[2], 3);
  std::uint8_t small[14];
  EXPECT_EQ(write_rtp(header, payload, small), 0u);
}

TEST(RtpPacket, SkipsCsrcsAndExtensionAndStripsPadding) {
  // V=2 P=1 X=1 CC=1, CSRC, extension of one word, payload AA BB, two bytes of padding.
  const auto bytes = packet({0xB1, 0x00, 0,    1,    0, 0, 0, 2, 0, 0, 0,    3,    0,    0,
                             0,    9,    0xBE, 0xDE, 0, 1, 1, 2, 3, 4, 0xAA, 0xBB, 0x00, 0x02});
  RtpPacketView view;
  ASSERT_EQ(parse_rtp(bytes, view), RtpParseError::none);
  EXPECT_EQ(view.csrc_count, 1);
  EXPECT_TRUE(view.has_extension);
  ASSERT_EQ(view.payload.size(), 2u);
  EXPECT_EQ(view.payload[0], 0xAA);
}

TEST(RtpPacket, RejectsHostilePackets) {
  RtpPacketView view;
  EXPECT_EQ(parse_rtp({}, view), RtpParseError::too_short);
  EXPECT_EQ(parse_rtp(packet({0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}), view),
            RtpParseError::too_short);
  EXPECT_EQ(parse_rtp(packet({0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}), view),
            RtpParseError::bad_version);
  EXPECT_EQ(parse_rtp(packet({0x00, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}), view),
            RtpParseError::bad_version);
  // CC=15 promises 60 bytes of CSRCs in a 16-byte packet.
  EXPECT_EQ(parse_rtp(packet({0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}), view),
            RtpParseError::csrc_overflow);
  // Extension header cut off, then an extension length beyond the packet.
  EXPECT_EQ(parse_rtp(packet({0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE}), view),
            RtpParseError::extension_overflow);
  EXPECT_EQ(
      parse_rtp(packet({0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0xFF, 0xFF}), view),
      RtpParseError::extension_overflow);
  // Padding count of zero, and padding longer than the payload.
  EXPECT_EQ(parse_rtp(packet({0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0}), view),
            RtpParseError::bad_padding);
  EXPECT_EQ(parse_rtp(packet({0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 7, 200}), view),
            RtpParseError::bad_padding);
  // Padding exactly the whole payload is legal (an empty packet).
  EXPECT_EQ(parse_rtp(packet({0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}), view),
            RtpParseError::none);
  EXPECT_TRUE(view.payload.empty());
}

TEST(RtpPacket, SurvivesRandomBytes) {
  std::mt19937 random(7);
  std::vector<std::uint8_t> bytes;
  RtpPacketView view;
  RtcpReport report;
  for (int i = 0; i < 20000; ++i) {
    bytes.resize(random() % 80);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    if (!bytes.empty() && i % 2) bytes[0] = static_cast<std::uint8_t>(0x80 | (bytes[0] & 0x3F));
    if (parse_rtp(bytes, view) == RtpParseError::none) {
      ASSERT_GE(view.payload.data(), bytes.data());
      ASSERT_LE(view.payload.data() + view.payload.size(), bytes.data() + bytes.size());
    }
    (void)parse_rtcp(bytes, report);
    ASSERT_LE(report.block_count, kMaxReportBlocks);
  }
}

TEST(Rtcp, SenderReportRoundTrips) {
  RtcpReport report;
  report.ssrc = 0x11223344;
  report.has_sender_info = true;
  report.sender = {0x0102030405060708ULL, 160000, 1000, 160000};
  report.block_count = 1;
  report.blocks[0] = {0x55667788, 25, -3, 0x00010005, 42, 0xAABBCCDD, 65536};
  std::uint8_t buffer[256];
  const std::size_t size = write_rtcp_report(report, "hotline-1", buffer);
  ASSERT_GT(size, 0u);
  EXPECT_EQ(size % 4, 0u);
  EXPECT_EQ(buffer[1], 200);
  RtcpReport parsed;
  ASSERT_EQ(parse_rtcp(std::span(buffer, size), parsed), RtcpParseError::none);
  EXPECT_EQ(parsed.ssrc, report.ssrc);
  ASSERT_TRUE(parsed.has_sender_info);
  EXPECT_EQ(parsed.sender.ntp_timestamp, report.sender.ntp_timestamp);
  EXPECT_EQ(parsed.sender.packet_count, 1000u);
  ASSERT_EQ(parsed.block_count, 1);
  EXPECT_EQ(parsed.blocks[0].ssrc, 0x55667788u);
  EXPECT_EQ(parsed.blocks[0].fraction_lost, 25);
  EXPECT_EQ(parsed.blocks[0].cumulative_lost, -3);
  EXPECT_EQ(parsed.blocks[0].highest_sequence, 0x00010005u);
  EXPECT_EQ(parsed.blocks[0].jitter, 42u);
  EXPECT_EQ(parsed.blocks[0].last_sr, 0xAABBCCDDu);
  EXPECT_EQ(parsed.blocks[0].delay_since_last_sr, 65536u);
}

TEST(Rtcp, ReceiverReportWithoutBlocksAndABye) {
  RtcpReport report;
  report.ssrc = 7;
  std::uint8_t buffer[256];
  std::size_t size = write_rtcp_report(report, "x", buffer);
  ASSERT_EQ(buffer[1], 201);
  // Append a BYE for SSRC 7.
  const std::uint8_t bye[] = {0x81, 203, 0, 1, 0, 0, 0, 7};
  std::copy(std::begin(bye), std::end(bye), buffer + size);
  size += sizeof(bye);
  RtcpReport parsed;
  ASSERT_EQ(parse_rtcp(std::span(buffer, size), parsed), RtcpParseError::none);
  EXPECT_FALSE(parsed.has_sender_info);
  EXPECT_EQ(parsed.block_count, 0);
  EXPECT_TRUE(parsed.bye);
}

TEST(Rtcp, RejectsLyingLengthsAndNonReports) {
  RtcpReport parsed;
  // RR claiming 31 report blocks in 8 bytes.
  EXPECT_EQ(parse_rtcp(packet({0x9F, 201, 0, 1, 0, 0, 0, 1}), parsed), RtcpParseError::bad_length);
  // Length field pointing past the datagram.
  EXPECT_EQ(parse_rtcp(packet({0x80, 201, 0, 9, 0, 0, 0, 1}), parsed), RtcpParseError::bad_length);
  // SR too short for its sender info.
  EXPECT_EQ(parse_rtcp(packet({0x80, 200, 0, 1, 0, 0, 0, 1}), parsed), RtcpParseError::bad_length);
  EXPECT_EQ(parse_rtcp(packet({0x80, 202, 0, 1, 0, 0, 0, 1}), parsed),
            RtcpParseError::not_a_report);
  EXPECT_EQ(parse_rtcp(packet({0x40, 201, 0, 1, 0, 0, 0, 1}), parsed), RtcpParseError::bad_version);
  EXPECT_EQ(parse_rtcp(packet({0x80, 201, 0}), parsed), RtcpParseError::too_short);
}

TEST(Rtcp, NtpTimestampFromUnixTime) {
  EXPECT_EQ(ntp_from_unix_micros(0) >> 32, 2208988800ULL);
  EXPECT_EQ(ntp_from_unix_micros(500'000) & 0xFFFFFFFFULL, 0x80000000ULL);
}

}  // namespace
}  // namespace hotline::media
