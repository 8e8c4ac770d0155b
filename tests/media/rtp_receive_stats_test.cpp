#include "media/rtp_receive_stats.hpp"

#include <gtest/gtest.h>

namespace hotline::media {
namespace {

// Feeds sequence numbers after the two probation packets of a new source.
RtpReceiveStats started_at(std::uint16_t first) {
  RtpReceiveStats stats;
  stats.reset(1234, first);
  stats.on_sequence(first);
  stats.on_sequence(static_cast<std::uint16_t>(first + 1));
  return stats;
}

TEST(RtpReceiveStats, CountsAnUnbrokenStream) {
  auto stats = started_at(100);
  for (std::uint16_t seq = 102; seq < 200; ++seq) EXPECT_TRUE(stats.on_sequence(seq));
  EXPECT_EQ(stats.expected(), 99);
  EXPECT_EQ(stats.received(), 99u);
  EXPECT_EQ(stats.lost(), 0);
  EXPECT_EQ(stats.make_report_block().fraction_lost, 0);
}

TEST(RtpReceiveStats, CountsLossAndTheFractionPerInterval) {
  auto stats = started_at(1);
  for (std::uint16_t seq = 3; seq <= 101; ++seq)
    if (seq % 4 != 0) stats.on_sequence(seq);  // every fourth packet lost
  EXPECT_EQ(stats.lost(), 25);
  auto block = stats.make_report_block();
  EXPECT_EQ(block.cumulative_lost, 25);
  EXPECT_EQ(block.fraction_lost, 25 * 256 / 100);  // expected counts from packet 2 (probation)
  EXPECT_EQ(block.highest_sequence, 101u);
  for (std::uint16_t seq = 102; seq <= 200; ++seq) stats.on_sequence(seq);
  EXPECT_EQ(stats.make_report_block().fraction_lost, 0);  // the new interval lost nothing
}

TEST(RtpReceiveStats, FollowsSequenceWrapAround) {
  auto stats = started_at(65530);
  for (std::uint32_t i = 65532; i < 65536 + 10; ++i)
    stats.on_sequence(static_cast<std::uint16_t>(i));
  EXPECT_EQ(stats.extended_highest_sequence(), 65536u + 9);
  EXPECT_EQ(stats.lost(), 0);
}

TEST(RtpReceiveStats, ResynchronisesAfterAJumpConfirmedByTheNextPacket) {
  auto stats = started_at(12080);
  for (std::uint16_t seq = 12082; seq <= 12087; ++seq) stats.on_sequence(seq);
  // The SIPp captures restart far away with the same SSRC.
  EXPECT_FALSE(stats.on_sequence(7984));
  EXPECT_TRUE(stats.on_sequence(7985));
  for (std::uint16_t seq = 7986; seq <= 7991; ++seq) EXPECT_TRUE(stats.on_sequence(seq));
  EXPECT_EQ(stats.lost(), 0);
  EXPECT_EQ(stats.extended_highest_sequence(), 7991u);
}

TEST(RtpReceiveStats, DuplicatesAndReorderingAreNotLoss) {
  auto stats = started_at(10);
  stats.on_sequence(13);
  stats.on_sequence(12);  // late, within the misorder window
  stats.on_sequence(13);  // duplicate
  EXPECT_LE(stats.lost(), 0);
}

TEST(RtpReceiveStats, JitterIsZeroForPerfectPacingAndTracksVariation) {
  RtpReceiveStats steady;
  for (std::uint32_t i = 0; i < 100; ++i) steady.on_transit(5000 + i * 160, i * 160);
  EXPECT_EQ(steady.jitter(), 0u);

  // Arrivals alternate 10 ms early and late: |D| = 160 units every packet, J -> 160.
  RtpReceiveStats varying;
  for (std::uint32_t i = 0; i < 400; ++i) {
    const std::uint32_t wobble = (i % 2) ? 80 : 0;
    varying.on_transit(5000 + i * 160 + wobble * 2, i * 160);
  }
  EXPECT_NEAR(static_cast<double>(varying.jitter()), 160.0, 2.0);
}

TEST(RtpReceiveStats, JitterSurvivesTimestampWrap) {
  RtpReceiveStats stats;
  std::uint32_t timestamp = 0xFFFFFF00u;
  std::uint32_t arrival = 42;
  for (int i = 0; i < 50; ++i, timestamp += 160, arrival += 160)
    stats.on_transit(arrival, timestamp);
  EXPECT_EQ(stats.jitter(), 0u);
}

}  // namespace
}  // namespace hotline::media
