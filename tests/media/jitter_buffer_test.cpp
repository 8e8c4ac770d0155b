#include "media/jitter_buffer.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "media/g711.hpp"

namespace hotline::media {
namespace {

// A PCMU packet whose samples all decode to a value identifying the packet.
std::vector<std::uint8_t> marked_packet(int id, std::size_t samples = kFrameSamples) {
  return std::vector<std::uint8_t>(samples,
                                   g711::linear_to_ulaw(static_cast<std::int16_t>(id * 64)));
}

// The id whose marker value a sample carries (-1: none).
int id_of(std::int16_t sample) {
  for (int id = 0; id < 64; ++id)
    if (g711::ulaw_to_linear(g711::linear_to_ulaw(static_cast<std::int16_t>(id * 64))) == sample)
      return id;
  return -1;
}

int frame_id(const std::array<std::int16_t, kFrameSamples>& frame) {
  return id_of(frame[0]);
}

class JitterBufferTest : public ::testing::Test {
 protected:
  int pull() {
    buffer.pull(frame);
    return frame_id(frame);
  }
  void SetUp() override { buffer.set_decoder(codec.get()); }
  std::unique_ptr<AudioCodec> codec = pcmu_codec().create();
  // Mechanics without the latency policy: play at once, never trim.
  JitterBuffer buffer{JitterBufferPolicy{10, 0, 0}};
  std::array<std::int16_t, kFrameSamples> frame{};
};

TEST_F(JitterBufferTest, PlaysInOrderAndReordersLateComers) {
  buffer.push(100, marked_packet(1));
  buffer.push(102, marked_packet(3));
  buffer.push(101, marked_packet(2));
  EXPECT_EQ(pull(), 1);
  EXPECT_EQ(pull(), 2);
  EXPECT_EQ(pull(), 3);
  EXPECT_EQ(pull(), 0);  // underrun: silence
  EXPECT_EQ(buffer.counters().underruns, 1u);
}

TEST_F(JitterBufferTest, WaitsOneTickForAMissingPacketThenSkipsIt) {
  buffer.push(10, marked_packet(1));
  EXPECT_EQ(pull(), 1);
  buffer.push(12, marked_packet(3));
  EXPECT_EQ(pull(), 0);  // 11 may still come
  EXPECT_EQ(pull(), 3);  // it did not: skipped
  EXPECT_EQ(buffer.counters().skipped, 1u);
  EXPECT_EQ(buffer.push(11, marked_packet(2)), JitterBuffer::PushResult::too_late);
}

TEST_F(JitterBufferTest, DropsDuplicatesAndBoundsLatency) {
  EXPECT_EQ(buffer.push(1, marked_packet(1)), JitterBuffer::PushResult::stored);
  EXPECT_EQ(buffer.push(1, marked_packet(1)), JitterBuffer::PushResult::duplicate);
  for (std::uint16_t seq = 2; seq <= 10; ++seq) buffer.push(seq, marked_packet(seq));
  EXPECT_EQ(buffer.push(11, marked_packet(11)), JitterBuffer::PushResult::overflow);
  EXPECT_EQ(buffer.buffered_packets(), 10u);
  EXPECT_EQ(pull(), 2);  // the oldest went
}

TEST_F(JitterBufferTest, EventPlaceholdersDoNotStallAudio) {
  buffer.push(1, marked_packet(1));
  EXPECT_EQ(pull(), 1);
  for (std::uint16_t seq = 2; seq <= 8; ++seq) buffer.push(seq, {});  // DTMF event packets
  buffer.push(9, marked_packet(9));
  EXPECT_EQ(pull(), 9);
  EXPECT_EQ(buffer.counters().skipped, 0u);
}

TEST_F(JitterBufferTest, RestartsOnASequenceJump) {
  buffer.push(5000, marked_packet(1));
  EXPECT_EQ(pull(), 1);
  buffer.push(100, marked_packet(2));  // far behind: a restarted sender, not a late packet
  EXPECT_EQ(pull(), 2);
  buffer.push(40000, marked_packet(3));
  EXPECT_EQ(pull(), 3);
  EXPECT_EQ(buffer.counters().restarts, 2u);
}

TEST_F(JitterBufferTest, TenAndThirtyMillisecondPacketsMakeWholeFrames) {
  // 10 ms packets: two per frame.
  for (std::uint16_t seq = 0; seq < 4; ++seq) buffer.push(seq, marked_packet(seq + 1, 80));
  pull();
  EXPECT_EQ(id_of(frame[0]), 1);
  EXPECT_EQ(id_of(frame[80]), 2);
  pull();
  EXPECT_EQ(id_of(frame[0]), 3);
  EXPECT_EQ(id_of(frame[159]), 4);

  // 30 ms packets: three frames from two packets.
  buffer.reset();
  buffer.push(0, marked_packet(1, 240));
  buffer.push(1, marked_packet(2, 240));
  pull();
  EXPECT_EQ(id_of(frame[0]), 1);
  EXPECT_EQ(id_of(frame[159]), 1);
  pull();
  EXPECT_EQ(id_of(frame[0]), 1);
  EXPECT_EQ(id_of(frame[80]), 2);
  pull();
  EXPECT_EQ(id_of(frame[159]), 2);
}

TEST_F(JitterBufferTest, ANewStreamPlaysAfterWhatIsLeftOfTheOldOne) {
  buffer.push(10, marked_packet(1));
  buffer.push(11, marked_packet(2));
  buffer.start_new_stream();  // SSRC change
  buffer.push(30000, marked_packet(3));
  EXPECT_EQ(pull(), 1);
  EXPECT_EQ(pull(), 2);
  EXPECT_EQ(pull(), 3);
  buffer.push(100, marked_packet(4));
  buffer.push(40000, marked_packet(5));  // sequence restart within one SSRC: same rule
  EXPECT_EQ(pull(), 4);
  EXPECT_EQ(pull(), 5);
  EXPECT_EQ(buffer.counters().skipped, 0u);
}

TEST_F(JitterBufferTest, RejectsOversizedPayloads) {
  EXPECT_EQ(buffer.push(1, std::vector<std::uint8_t>(kMaxPayloadBytes + 1)),
            JitterBuffer::PushResult::too_large);
}

}  // namespace
}  // namespace hotline::media

namespace hotline::media {
namespace {

class JitterPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override { buffer.set_decoder(codec.get()); }
  int pull() {
    std::array<std::int16_t, kFrameSamples> frame{};
    buffer.pull(frame);
    return frame_id(frame);
  }
  std::unique_ptr<AudioCodec> codec = pcmu_codec().create();
  JitterBuffer buffer{JitterBufferPolicy{10, 2, 3}};
};

TEST_F(JitterPolicyTest, PlayoutStartsWithACushionSoASlightlyLatePacketCausesNoGap) {
  buffer.push(1, marked_packet(1));
  EXPECT_EQ(pull(), 0);  // one frame is not a cushion yet
  buffer.push(2, marked_packet(2));
  EXPECT_EQ(pull(), 1);
  // Packet 3 comes just after its tick would have wanted it: the cushion covers it.
  EXPECT_EQ(pull(), 2);
  buffer.push(3, marked_packet(3));
  EXPECT_EQ(pull(), 3);
  EXPECT_EQ(buffer.counters().underruns, 0u);
}

TEST_F(JitterPolicyTest, ALonePacketStillPlays) {
  buffer.push(1, marked_packet(7));
  int heard = 0;
  for (int i = 0; i < 5; ++i) heard = std::max(heard, pull());
  EXPECT_EQ(heard, 7);
}

TEST_F(JitterPolicyTest, LatencyThatStaysHighIsTrimmed) {
  // A burst of 6 then a steady stream: 4 packets too many for a whole second.
  std::uint16_t sequence = 0;
  for (; sequence < 6; ++sequence) buffer.push(sequence, marked_packet(1 + sequence % 50));
  for (int tick = 0; tick < 200; ++tick) {
    buffer.push(sequence, marked_packet(1 + sequence % 50));
    ++sequence;
    pull();
  }
  EXPECT_GE(buffer.counters().trimmed, 2u);
  EXPECT_LE(buffer.buffered_packets(), 4u);
  EXPECT_EQ(buffer.counters().overflow, 0u);
}

TEST_F(JitterPolicyTest, ASteadyStreamIsNeverTrimmed) {
  for (std::uint16_t sequence = 0; sequence < 500; ++sequence) {
    buffer.push(sequence, marked_packet(1 + sequence % 50));
    pull();
  }
  EXPECT_EQ(buffer.counters().trimmed, 0u);
  EXPECT_EQ(buffer.counters().underruns, 0u);
}

}  // namespace
}  // namespace hotline::media
