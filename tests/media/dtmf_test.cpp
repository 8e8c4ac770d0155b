#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "media/inband_dtmf_detector.hpp"
#include "media/media_constants.hpp"
#include "media/rfc4733_receiver.hpp"
#include "media/rfc4733_sender.hpp"
#include "media/rtp_packet.hpp"
#include "media/sip_info_dtmf.hpp"
#include "media/telephone_event.hpp"
#include "media/tone_generator.hpp"
#include "pcap_reader.hpp"

namespace hotline::media {
namespace {

const std::vector<std::string> kCaptureNames = {"0", "1", "2", "3", "4",    "5",
                                                "6", "7", "8", "9", "star", "pound"};
constexpr const char* kCaptureDigits = "0123456789*#";

std::string capture_path(const std::string& name) {
  return "/usr/share/sip-tester/dtmf_2833_" + name + ".pcap";
}

TEST(TelephoneEvent, PayloadRoundTripsAndMapsDigits) {
  std::array<std::uint8_t, 4> bytes{};
  write_telephone_event(TelephoneEvent{11, true, 10, 800}, bytes);
  EXPECT_EQ(bytes[0], 11);
  EXPECT_EQ(bytes[1], 0x8A);
  const auto parsed = parse_telephone_event(bytes);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->end);
  EXPECT_EQ(parsed->duration, 800);
  EXPECT_FALSE(parse_telephone_event(std::span(bytes).first(3)));
  EXPECT_EQ(dtmf_event_code('#'), 11);
  EXPECT_EQ(dtmf_event_code('d'), 15);
  EXPECT_FALSE(dtmf_event_code('x'));
  EXPECT_EQ(dtmf_digit(10), '*');
  EXPECT_FALSE(dtmf_digit(16));
}

struct SentPacket {
  OutgoingTelephoneEvent event;
  TelephoneEvent parsed;
};

// Runs the sender for `packets` packet times; audio slots are recorded as nullopt.
std::vector<std::optional<SentPacket>> run_sender(Rfc4733Sender& sender, int packets,
                                                  std::uint32_t start_timestamp = 1000) {
  std::vector<std::optional<SentPacket>> out;
  std::uint32_t timestamp = start_timestamp;
  for (int i = 0; i < packets; ++i, timestamp += 160) {
    const auto event = sender.next(timestamp, 160);
    if (!event) {
      out.emplace_back();
      continue;
    }
    out.push_back(SentPacket{*event, *parse_telephone_event(event->payload)});
  }
  return out;
}

TEST(Rfc4733Sender, SendsStartUpdatesAndThreeEndPacketsWithTheRightDurations) {
  Rfc4733Sender sender;
  ASSERT_TRUE(sender.queue("5", 100, 60));
  const auto packets = run_sender(sender, 12);
  // 100 ms = 800 units in 160-unit packets: 160..800, the last three marked end.
  const int expected_durations[] = {160, 320, 480, 640, 800, 800, 800};
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(packets[i]) << i;
    EXPECT_EQ(packets[i]->parsed.event, 5);
    EXPECT_EQ(packets[i]->parsed.duration, expected_durations[i]) << i;
    EXPECT_EQ(packets[i]->parsed.end, i >= 4) << i;
    EXPECT_EQ(packets[i]->event.marker, i == 0) << i;
    EXPECT_EQ(packets[i]->event.timestamp, 1000u) << i;  // all carry the event's start
  }
  for (int i = 7; i < 12; ++i) EXPECT_FALSE(packets[i]) << i;  // audio again
  EXPECT_TRUE(sender.idle());
}

TEST(Rfc4733Sender, PausesBetweenDigitsAndRejectsBadInput) {
  Rfc4733Sender sender;
  EXPECT_FALSE(sender.queue("12x", 100, 60));
  EXPECT_TRUE(sender.idle());
  ASSERT_TRUE(sender.queue("12", 60, 60));
  const auto packets = run_sender(sender, 20);
  // '1': 3 packets (60 ms) of which the last is the first end, then 2 more ends = 5,
  // then 60 ms pause (3 packet times of audio), then '2' with a new timestamp.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(packets[i] && packets[i]->parsed.event == 1) << i;
  for (int i = 5; i < 8; ++i) EXPECT_FALSE(packets[i]) << i;
  ASSERT_TRUE(packets[8]);
  EXPECT_EQ(packets[8]->parsed.event, 2);
  EXPECT_TRUE(packets[8]->event.marker);
  EXPECT_EQ(packets[8]->event.timestamp, 1000u + 8 * 160);
}

TEST(Rfc4733Receiver, ReportsEachDigitOnceDespiteRedundancy) {
  Rfc4733Sender sender;
  ASSERT_TRUE(sender.queue("1234567890*#ABCD", 80, 40));
  Rfc4733Receiver receiver;
  std::string digits;
  std::int64_t now = 0;
  for (const auto& packet : run_sender(sender, 400)) {
    now += 20;
    if (!packet) continue;
    // Every packet arrives twice (a duplicating network) to prove deduplication.
    for (int copy = 0; copy < 2; ++copy) {
      const auto got = receiver.on_packet(packet->event.timestamp, packet->event.payload, now);
      for (std::size_t i = 0; i < got.count; ++i) {
        digits += got.digits[i].digit;
        EXPECT_EQ(got.digits[i].duration_ms, 80);
        EXPECT_TRUE(got.digits[i].end_seen);
      }
    }
  }
  EXPECT_EQ(digits, "1234567890*#ABCD");
}

TEST(Rfc4733Receiver, CompletesADigitWhoseEndPacketsWereLost) {
  Rfc4733Receiver receiver;
  std::array<std::uint8_t, 4> payload{};
  write_telephone_event(TelephoneEvent{7, false, 10, 160}, payload);
  EXPECT_EQ(receiver.on_packet(5000, payload, 0).count, 0u);
  write_telephone_event(TelephoneEvent{7, false, 10, 320}, payload);
  EXPECT_EQ(receiver.on_packet(5000, payload, 20).count, 0u);
  EXPECT_EQ(receiver.on_tick(200).count, 0u);
  const auto timed_out = receiver.on_tick(20 + Rfc4733Receiver::kEndTimeoutMs);
  ASSERT_EQ(timed_out.count, 1u);
  EXPECT_EQ(timed_out.digits[0].digit, '7');
  EXPECT_FALSE(timed_out.digits[0].end_seen);
  EXPECT_EQ(timed_out.digits[0].duration_ms, 40);
  // A late end packet of the same event does not report it again.
  write_telephone_event(TelephoneEvent{7, true, 10, 480}, payload);
  EXPECT_EQ(receiver.on_packet(5000, payload, 700).count, 0u);
}

TEST(Rfc4733Receiver, ANewEventEndsOneWhoseEndWasLostAndSameDigitTwiceCountsTwice) {
  Rfc4733Receiver receiver;
  std::array<std::uint8_t, 4> payload{};
  write_telephone_event(TelephoneEvent{3, false, 10, 160}, payload);
  receiver.on_packet(1000, payload, 0);
  write_telephone_event(TelephoneEvent{3, false, 10, 160}, payload);
  auto got = receiver.on_packet(3000, payload, 300);  // same key again, new press
  ASSERT_EQ(got.count, 1u);
  EXPECT_EQ(got.digits[0].digit, '3');
  write_telephone_event(TelephoneEvent{3, true, 10, 800}, payload);
  got = receiver.on_packet(3000, payload, 400);
  ASSERT_EQ(got.count, 1u);
  EXPECT_EQ(got.digits[0].duration_ms, 100);
}

TEST(Rfc4733Receiver, IgnoresGarbageAndNonDtmfEvents) {
  Rfc4733Receiver receiver;
  const std::uint8_t short_payload[] = {1, 2};
  EXPECT_EQ(receiver.on_packet(1, short_payload, 0).count, 0u);
  std::array<std::uint8_t, 4> payload{};
  write_telephone_event(TelephoneEvent{32, true, 10, 800}, payload);  // fax CNG tone
  EXPECT_EQ(receiver.on_packet(2, payload, 0).count, 0u);
  EXPECT_EQ(receiver.ignored_packets(), 2u);
}

TEST(Rfc4733Receiver, DetectsTheSippCaptures) {
  // All twelve captures in a row as one stream, as a careless peer would send them: one SSRC,
  // sequence numbers and timestamps jumping between digits, end packets repeated verbatim.
  Rfc4733Receiver receiver;
  std::string digits;
  std::int64_t now = 0;
  for (const auto& name : kCaptureNames) {
    const auto datagrams = testing::read_pcap_udp(capture_path(name));
    ASSERT_EQ(datagrams.size(), 10u) << name;
    for (const auto& datagram : datagrams) {
      now += 20;
      RtpPacketView packet;
      ASSERT_EQ(parse_rtp(datagram.payload, packet), RtpParseError::none);
      ASSERT_EQ(packet.header.payload_type, 101);
      const auto got = receiver.on_packet(packet.header.timestamp, packet.payload, now);
      for (std::size_t i = 0; i < got.count; ++i) digits += got.digits[i].digit;
    }
  }
  EXPECT_EQ(digits, kCaptureDigits);
}

// Dual-tone DTMF audio made with our own tone generator (row + column frequency).
std::vector<std::int16_t> dtmf_audio(const std::string& digits, int on_ms, int off_ms) {
  const std::map<char, std::array<int, 2>> frequencies = {
      {'1', {697, 1209}}, {'2', {697, 1336}}, {'3', {697, 1477}}, {'4', {770, 1209}},
      {'5', {770, 1336}}, {'6', {770, 1477}}, {'7', {852, 1209}}, {'8', {852, 1336}},
      {'9', {852, 1477}}, {'*', {941, 1209}}, {'0', {941, 1336}}, {'#', {941, 1477}}};
  std::vector<std::int16_t> audio;
  for (const char digit : digits) {
    ToneGenerator tone(ToneSpec{frequencies.at(digit), -10, {on_ms, off_ms, 0, 0}});
    std::vector<std::int16_t> part(static_cast<std::size_t>((on_ms + off_ms) * 8));
    tone.fill(part);
    audio.insert(audio.end(), part.begin(), part.end());
  }
  return audio;
}

TEST(InbandDtmfDetector, DetectsToneDigitsFrameByFrame) {
  InbandDtmfDetector detector;
  const auto audio = dtmf_audio("159#*0", 80, 80);
  std::string digits;
  for (std::size_t offset = 0; offset + kFrameSamples <= audio.size(); offset += kFrameSamples) {
    for (const auto& tone : detector.process(std::span(audio).subspan(offset, kFrameSamples),
                                             static_cast<std::int64_t>(offset / 8)))
      digits += tone.digit;
  }
  EXPECT_EQ(digits, "159#*0");
}

TEST(InbandDtmfDetector, IgnoresSpeechLikeSingleTones) {
  InbandDtmfDetector detector;
  ToneGenerator dial(tones::dial());
  std::array<std::int16_t, kFrameSamples> frame{};
  for (int i = 0; i < 100; ++i) {
    dial.fill(frame);
    EXPECT_TRUE(detector.process(frame, i * 20).empty());
  }
}

TEST(SipInfoDtmf, ParsesDtmfRelayAndPlainBodies) {
  auto digit = parse_sip_info_dtmf("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n");
  ASSERT_TRUE(digit);
  EXPECT_EQ(digit->digit, '5');
  EXPECT_EQ(digit->duration_ms, 160);
  digit = parse_sip_info_dtmf("Application/DTMF-Relay; charset=x", "signal= #\nduration=abc\n");
  ASSERT_TRUE(digit);
  EXPECT_EQ(digit->digit, '#');
  EXPECT_EQ(digit->duration_ms, 0);
  digit = parse_sip_info_dtmf("application/dtmf-relay", "Signal=10\r\n");
  ASSERT_TRUE(digit);
  EXPECT_EQ(digit->digit, '*');
  digit = parse_sip_info_dtmf("application/dtmf", "7");
  ASSERT_TRUE(digit);
  EXPECT_EQ(digit->digit, '7');
  EXPECT_FALSE(parse_sip_info_dtmf("application/dtmf-relay", "Duration=100\r\n"));
  EXPECT_FALSE(parse_sip_info_dtmf("application/dtmf-relay", "Signal=x\r\n"));
  EXPECT_FALSE(parse_sip_info_dtmf("text/plain", "Signal=1"));
}

}  // namespace
}  // namespace hotline::media
