// Loopback tests: real UDP on 127.0.0.1 (and ::1) into a running MediaEngine.
#include "media/media_engine.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <future>
#include <numbers>
#include <random>
#include <set>
#include <string>

#include "engine_test_support.hpp"
#include "media/rfc4733_receiver.hpp"
#include "media/rfc4733_sender.hpp"
#include "media/rtcp_packet.hpp"
#include "media/telephone_event.hpp"
#include "media/tone_generator.hpp"
#include "pcap_reader.hpp"
#include "wav_file.hpp"

namespace hotline::media {
namespace {

using namespace std::chrono_literals;
using testing::EventLog;
using testing::ReceivedPacket;
using testing::RtpTestPeer;

std::vector<std::uint8_t> ulaw_frame(const std::function<std::int16_t(int)>& sample) {
  std::vector<std::uint8_t> frame(kFrameSamples);
  for (int i = 0; i < static_cast<int>(kFrameSamples); ++i)
    frame[static_cast<std::size_t>(i)] = g711::linear_to_ulaw(sample(i));
  return frame;
}

std::vector<std::uint8_t> alaw_frame(const std::function<std::int16_t(int)>& sample) {
  std::vector<std::uint8_t> frame(kFrameSamples);
  for (int i = 0; i < static_cast<int>(kFrameSamples); ++i)
    frame[static_cast<std::size_t>(i)] = g711::linear_to_alaw(sample(i));
  return frame;
}

class MediaEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { start(testing::loopback_config()); }

  void start(const MediaEngineConfig& config) {
    engine.reset();
    auto started = MediaEngine::start(config);
    ASSERT_TRUE(started) << started.error().message;
    engine = std::move(*started);
    log = std::make_unique<EventLog>(engine->events());
  }

  EndpointInfo endpoint(EndpointId colocate_with = 0) {
    EndpointOptions options;
    options.colocate_with = colocate_with;
    auto info = engine->create_endpoint(options);
    EXPECT_TRUE(info) << info.error().message;
    return *info;
  }

  std::unique_ptr<MediaEngine> engine;
  std::unique_ptr<EventLog> log;
};

TEST_F(MediaEngineTest, EndpointsGetEvenRtpPortsFromTheRange) {
  for (int i = 0; i < 4; ++i) {
    const auto info = endpoint();
    EXPECT_EQ(info.rtp_port % 2, 0);
    EXPECT_EQ(info.rtcp_port, info.rtp_port + 1);
    EXPECT_GE(info.rtp_port, 41000);
    EXPECT_LE(info.rtcp_port, 41999);
    EXPECT_EQ(info.local.address_string(), "127.0.0.1");
  }
  EXPECT_FALSE(engine->set_remote(999, RemoteMedia{}));
  EXPECT_EQ(engine->destroy_endpoint(999).error().code, "unknown_endpoint");
}

TEST_F(MediaEngineTest, APlayedPromptArrivesBitExactAfterDecoding) {
  RtpTestPeer peer;
  const auto e = endpoint();
  ASSERT_TRUE(engine->set_remote(e.id, testing::remote_to(peer, pcmu_codec())));
  auto clip = std::make_shared<AudioClip>();
  for (int i = 0; i < 8000; ++i)  // one second, never near zero so its start is visible
    clip->samples.push_back(static_cast<std::int16_t>(3000 + 2500 * std::sin(i * 0.07)));
  PlayRequest request;
  request.items = {PlaylistItem::of_clip(clip)};
  const auto playback = engine->play(e.id, std::move(request));
  ASSERT_TRUE(playback);

  auto received = std::async(std::launch::async, [&] { return testing::collect(peer, 2500ms); });
  const auto finished = log->wait_for<PlaybackFinished>(
      [&](const PlaybackFinished& f) { return f.playback == *playback; });
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->reason, PlaybackEnd::completed);

  std::vector<std::int16_t> decoded;
  std::optional<std::uint16_t> previous_sequence;
  std::uint32_t previous_timestamp = 0;
  for (const auto& packet : received.get()) {
    EXPECT_EQ(packet.header.payload_type, 0);
    EXPECT_EQ(packet.payload.size(), kFrameSamples);
    if (previous_sequence) {
      EXPECT_EQ(packet.header.sequence, static_cast<std::uint16_t>(*previous_sequence + 1));
      EXPECT_EQ(packet.header.timestamp, previous_timestamp + 160);
    }
    previous_sequence = packet.header.sequence;
    previous_timestamp = packet.header.timestamp;
    if (decoded.empty() && testing::all_bytes(packet.payload, 0xFF)) continue;  // silence before
    for (const auto code : packet.payload) decoded.push_back(g711::ulaw_to_linear(code));
  }
  ASSERT_GE(decoded.size(), clip->samples.size());
  for (std::size_t i = 0; i < clip->samples.size(); ++i)
    ASSERT_EQ(decoded[i], g711::ulaw_to_linear(g711::linear_to_ulaw(clip->samples[i]))) << i;
  for (std::size_t i = clip->samples.size(); i < decoded.size(); ++i) ASSERT_EQ(decoded[i], 0);
}

// Caller on PCMU, agent on PCMA: each side's frames arrive at the other, all of them, in order,
// transcoded sample by sample.
TEST_F(MediaEngineTest, ABridgedStreamArrivesWithoutLossAndTranscoded) {
  RtpTestPeer caller, agent;
  const auto a = endpoint();
  const auto b = endpoint(a.id);
  ASSERT_TRUE(engine->set_remote(a.id, testing::remote_to(caller, pcmu_codec())));
  ASSERT_TRUE(engine->set_remote(b.id, testing::remote_to(agent, pcma_codec())));
  ASSERT_TRUE(engine->bridge(a.id, b.id));

  constexpr int kFrames = 150;
  auto caller_sample = [](int k) {
    return [k](int i) { return static_cast<std::int16_t>(500 + (k * 160 + i) % 7000); };
  };
  auto agent_sample = [](int k) {
    return [k](int i) { return static_cast<std::int16_t>(-600 - (k * 97 + i * 3) % 9000); };
  };
  auto at_agent = std::async(std::launch::async, [&] { return testing::collect(agent, 5000ms); });
  auto at_caller = std::async(std::launch::async, [&] { return testing::collect(caller, 5000ms); });
  std::this_thread::sleep_for(100ms);
  auto agent_sender = std::async(std::launch::async, [&] {
    testing::send_paced(
        agent, testing::loopback(b.rtp_port), kFrames, 8,
        [&](int k) { return alaw_frame(agent_sample(k)); }, 0x5555);
  });
  testing::send_paced(caller, testing::loopback(a.rtp_port), kFrames, 0,
                      [&](int k) { return ulaw_frame(caller_sample(k)); });
  agent_sender.get();

  std::vector<std::vector<std::uint8_t>> heard_by_agent, heard_by_caller;
  for (auto& packet : at_agent.get()) {
    EXPECT_EQ(packet.header.payload_type, 8);
    if (!testing::all_bytes(packet.payload, 0xD5)) heard_by_agent.push_back(packet.payload);
  }
  for (auto& packet : at_caller.get()) {
    EXPECT_EQ(packet.header.payload_type, 0);
    if (!testing::all_bytes(packet.payload, 0xFF)) heard_by_caller.push_back(packet.payload);
  }
  ASSERT_EQ(heard_by_agent.size(), static_cast<std::size_t>(kFrames));
  ASSERT_EQ(heard_by_caller.size(), static_cast<std::size_t>(kFrames));
  for (int k = 0; k < kFrames; ++k) {
    const auto sent_to_a = ulaw_frame(caller_sample(k));
    const auto sent_to_b = alaw_frame(agent_sample(k));
    for (std::size_t i = 0; i < kFrameSamples; ++i) {
      ASSERT_EQ(heard_by_agent[k][i], g711::ulaw_to_alaw(sent_to_a[i])) << k << ' ' << i;
      ASSERT_EQ(heard_by_caller[k][i], g711::alaw_to_ulaw(sent_to_b[i])) << k << ' ' << i;
    }
  }
  const auto counters = engine->counters();
  EXPECT_EQ(counters.dropped_unknown_source, 0u);
  EXPECT_EQ(counters.dropped_malformed, 0u);
}

// The caller's phone restarts its stream mid-call (new SSRC, sequence and timestamps jump, as
// after a transfer on the far side): the agent still gets every frame, on one unbroken stream.
TEST_F(MediaEngineTest, ASourceChangeLosesNothingAndStaysInvisibleToTheOtherLeg) {
  RtpTestPeer caller, agent;
  const auto a = endpoint();
  const auto b = endpoint(a.id);
  ASSERT_TRUE(engine->set_remote(a.id, testing::remote_to(caller, pcmu_codec())));
  ASSERT_TRUE(engine->set_remote(b.id, testing::remote_to(agent, pcmu_codec())));
  ASSERT_TRUE(engine->bridge(a.id, b.id));
  auto sample = [](int k) {
    return [k](int i) { return static_cast<std::int16_t>(700 + k * 40 + i); };
  };
  auto at_agent = std::async(std::launch::async, [&] { return testing::collect(agent, 3500ms); });
  std::this_thread::sleep_for(100ms);
  testing::send_paced(
      caller, testing::loopback(a.rtp_port), 50, 0, [&](int k) { return ulaw_frame(sample(k)); },
      0x1111, 1000);
  testing::send_paced(
      caller, testing::loopback(a.rtp_port), 50, 0,
      [&](int k) { return ulaw_frame(sample(50 + k)); }, 0x2222, 40000);
  std::vector<std::vector<std::uint8_t>> heard;
  std::set<std::uint32_t> ssrcs;
  std::optional<std::uint16_t> previous;
  for (auto& packet : at_agent.get()) {
    ssrcs.insert(packet.header.ssrc);
    if (previous) {
      EXPECT_EQ(packet.header.sequence, static_cast<std::uint16_t>(*previous + 1));
    }
    previous = packet.header.sequence;
    if (!testing::all_bytes(packet.payload, 0xFF)) heard.push_back(packet.payload);
  }
  EXPECT_EQ(ssrcs.size(), 1u);
  ASSERT_EQ(heard.size(), 100u);
  for (int k = 0; k < 100; ++k) ASSERT_EQ(heard[k], ulaw_frame(sample(k))) << k;
  ASSERT_TRUE(engine->destroy_endpoint(a.id));
  const auto stats = log->wait_for<RtcpStatsReport>(
      [&](const RtcpStatsReport& r) { return r.endpoint == a.id && r.final; });
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->stats.source_changes, 1u);
  EXPECT_EQ(stats->stats.packets_received, 100u);
  EXPECT_EQ(stats->stats.packets_lost, 0);
}

// 30 ms packets in, 10 ms packets out: the audio is re-framed, not lost or reordered.
TEST_F(MediaEngineTest, AcceptsThirtyAndSendsTenMillisecondPackets) {
  RtpTestPeer caller, agent;
  const auto a = endpoint();
  const auto b = endpoint(a.id);
  ASSERT_TRUE(engine->set_remote(a.id, testing::remote_to(caller, pcmu_codec(), 101, 30)));
  ASSERT_TRUE(engine->set_remote(b.id, testing::remote_to(agent, pcmu_codec(), 101, 10)));
  ASSERT_TRUE(engine->bridge(a.id, b.id));
  auto at_agent = std::async(std::launch::async, [&] { return testing::collect(agent, 3000ms); });
  std::this_thread::sleep_for(100ms);
  constexpr int kPackets = 60;  // 1.8 s
  const auto start = std::chrono::steady_clock::now();
  for (int k = 0; k < kPackets; ++k) {
    std::this_thread::sleep_until(start + 30ms * k);
    std::vector<std::uint8_t> payload(240);
    for (int i = 0; i < 240; ++i)
      payload[static_cast<std::size_t>(i)] =
          g711::linear_to_ulaw(static_cast<std::int16_t>(600 + (k * 240 + i) % 5000));
    caller.send_rtp(
        RtpHeader{false, 0, static_cast<std::uint16_t>(k), static_cast<std::uint32_t>(k * 240), 9},
        payload, testing::loopback(a.rtp_port));
  }
  std::vector<std::int16_t> heard;
  for (auto& packet : at_agent.get()) {
    ASSERT_EQ(packet.payload.size(), 80u);
    for (const auto code : packet.payload)
      if (const auto value = g711::ulaw_to_linear(code); value != 0) heard.push_back(value);
  }
  ASSERT_EQ(heard.size(), static_cast<std::size_t>(kPackets * 240));
  for (int n = 0; n < kPackets * 240; ++n)
    ASSERT_EQ(heard[static_cast<std::size_t>(n)],
              g711::ulaw_to_linear(g711::linear_to_ulaw(static_cast<std::int16_t>(600 + n % 5000))))
        << n;
}

TEST_F(MediaEngineTest, ARecordingHasTheCallerLeftAndTheAgentRight) {
  RtpTestPeer caller, agent;
  const auto a = endpoint();
  const auto b = endpoint(a.id);
  ASSERT_TRUE(engine->set_remote(a.id, testing::remote_to(caller, pcmu_codec())));
  ASSERT_TRUE(engine->set_remote(b.id, testing::remote_to(agent, pcmu_codec())));
  ASSERT_TRUE(engine->bridge(a.id, b.id));
  const auto dir = std::filesystem::temp_directory_path() /
                   ("hotline-media-engine-rec-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  RecordingRequest request;
  request.left = a.id;
  request.right = b.id;
  request.path = (dir / "call.wav").string();
  request.compress_to = RecordingFormat::mp3;
  request.keep_wav = true;
  const auto recording = engine->start_recording(request);
  ASSERT_TRUE(recording);
  std::this_thread::sleep_for(200ms);  // let the worker pick the recording up

  constexpr int kFrames = 100;
  auto caller_sample = [](int k) {
    return [k](int i) { return static_cast<std::int16_t>(1000 + k * 50 + i); };
  };
  auto agent_sample = [](int k) {
    return [k](int i) { return static_cast<std::int16_t>(-2000 - k * 30 - i); };
  };
  auto agent_sender = std::async(std::launch::async, [&] {
    testing::send_paced(
        agent, testing::loopback(b.rtp_port), kFrames, 0,
        [&](int k) { return ulaw_frame(agent_sample(k)); }, 0x7777);
  });
  testing::send_paced(caller, testing::loopback(a.rtp_port), kFrames, 0,
                      [&](int k) { return ulaw_frame(caller_sample(k)); });
  agent_sender.get();
  std::this_thread::sleep_for(800ms);  // jitter buffer drains into the recording
  ASSERT_TRUE(engine->stop_recording(*recording));

  const auto finished = log->wait_for<RecordingFinished>(
      [&](const RecordingFinished& f) { return f.recording == *recording; }, 60s);
  ASSERT_TRUE(finished);
  ASSERT_TRUE(finished->error.empty()) << finished->error;
  EXPECT_EQ(finished->format, RecordingFormat::mp3);
  EXPECT_TRUE(std::filesystem::exists(finished->file_path));
  EXPECT_EQ(finished->sha256.size(), 64u);
  EXPECT_GE(finished->duration_ms, kFrames * 20);

  const auto wav = testing::read_wav(finished->wav_path);
  ASSERT_EQ(wav.channels, 2);
  std::vector<std::int16_t> left, right;
  for (std::size_t i = 0; i + 1 < wav.samples.size(); i += 2) {
    if (wav.samples[i] != 0) left.push_back(wav.samples[i]);
    if (wav.samples[i + 1] != 0) right.push_back(wav.samples[i + 1]);
  }
  ASSERT_EQ(left.size(), kFrames * kFrameSamples);
  ASSERT_EQ(right.size(), kFrames * kFrameSamples);
  for (int k = 0; k < kFrames; ++k) {
    for (int i = 0; i < static_cast<int>(kFrameSamples); ++i) {
      const auto at = static_cast<std::size_t>(k) * kFrameSamples + static_cast<std::size_t>(i);
      ASSERT_EQ(left[at], g711::ulaw_to_linear(g711::linear_to_ulaw(caller_sample(k)(i)))) << at;
      ASSERT_EQ(right[at], g711::ulaw_to_linear(g711::linear_to_ulaw(agent_sample(k)(i)))) << at;
    }
  }
  std::filesystem::remove_all(dir);
}

TEST_F(MediaEngineTest, TheSippDtmfCapturesAreDetectedAsTheRightDigits) {
  RtpTestPeer peer;
  const auto e = endpoint();
  ASSERT_TRUE(engine->set_remote(e.id, testing::remote_to(peer, pcmu_codec(), 101)));
  const std::vector<std::string> names = {"0", "1", "2", "3", "4",    "5",
                                          "6", "7", "8", "9", "star", "pound"};
  for (const auto& name : names) {
    const auto datagrams =
        testing::read_pcap_udp("/usr/share/sip-tester/dtmf_2833_" + name + ".pcap");
    ASSERT_FALSE(datagrams.empty()) << name;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& datagram : datagrams) {
      const auto offset = std::chrono::duration<double>(datagram.time_s - datagrams.front().time_s);
      std::this_thread::sleep_until(start +
                                    std::chrono::duration_cast<std::chrono::microseconds>(offset));
      peer.send_raw(datagram.payload, testing::loopback(e.rtp_port));
    }
    std::this_thread::sleep_for(100ms);
  }
  std::string digits;
  ASSERT_TRUE(log->wait_count<DtmfReceived>(12));
  std::this_thread::sleep_for(700ms);  // anything doubled would show up by now
  for (const auto& event : log->all<DtmfReceived>()) {
    digits += event.digit;
    EXPECT_EQ(event.source, DtmfSource::rfc4733);
    EXPECT_EQ(event.endpoint, e.id);
    EXPECT_EQ(event.duration_ms, 280);  // the captures' end packets say 2240 units
    EXPECT_GT(event.at, 0);
  }
  EXPECT_EQ(digits, "0123456789*#");
}

TEST_F(MediaEngineTest, SendsRfc4733DigitsWithThreeEndPackets) {
  RtpTestPeer peer;
  const auto e = endpoint();
  ASSERT_TRUE(engine->set_remote(e.id, testing::remote_to(peer, pcmu_codec(), 96)));
  ASSERT_TRUE(engine->send_dtmf(e.id, "19#", 100, 60));
  EXPECT_FALSE(engine->send_dtmf(e.id, "1x"));
  const auto packets = testing::collect(peer, 2000ms);
  Rfc4733Receiver receiver;
  std::string digits;
  std::map<std::uint32_t, int> end_packets;
  int markers = 0;
  std::int64_t now = 0;
  for (const auto& packet : packets) {
    now += 20;
    if (packet.header.payload_type != 96) continue;
    const auto event = parse_telephone_event(packet.payload);
    ASSERT_TRUE(event);
    if (event->end) {
      ++end_packets[packet.header.timestamp];
      EXPECT_EQ(event->duration, 800);
    }
    if (packet.header.marker) ++markers;
    const auto got = receiver.on_packet(packet.header.timestamp, packet.payload, now);
    for (std::size_t i = 0; i < got.count; ++i) digits += got.digits[i].digit;
  }
  EXPECT_EQ(digits, "19#");
  EXPECT_EQ(markers, 3);
  ASSERT_EQ(end_packets.size(), 3u);
  for (const auto& [timestamp, count] : end_packets) EXPECT_EQ(count, 3) << timestamp;
}

TEST_F(MediaEngineTest, HostileFloodsAreDroppedCountedAndHarmless) {
  RtpTestPeer phone, attacker;
  const auto e = endpoint();
  ASSERT_TRUE(engine->set_remote(e.id, testing::remote_to(phone, pcmu_codec(), 101)));
  const auto target = testing::loopback(e.rtp_port);
  // The phone talks first, so the endpoint latches onto it.
  testing::send_paced(phone, target, 5, 0,
                      [](int) { return std::vector<std::uint8_t>(160, 0x55); });
  std::this_thread::sleep_for(200ms);

  // A few, slowly enough that the kernel keeps them all: every one is counted exactly.
  const auto before = engine->counters();
  for (int i = 0; i < 10; ++i) {
    attacker.send_rtp(RtpHeader{false, 0, static_cast<std::uint16_t>(i), 0, 0xBAD},
                      std::vector<std::uint8_t>(160, 0), target);
    const std::uint8_t csrc_overflow[] = {0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2};
    attacker.send_raw(csrc_overflow, target);
    const std::uint8_t short_packet[] = {0x80, 0, 0, 1, 0};
    attacker.send_raw(short_packet, target);
    std::this_thread::sleep_for(5ms);
  }
  const auto counted_deadline = std::chrono::steady_clock::now() + 10s;
  while (engine->counters().dropped_malformed < before.dropped_malformed + 20 &&
         std::chrono::steady_clock::now() < counted_deadline)
    std::this_thread::sleep_for(20ms);
  std::this_thread::sleep_for(100ms);
  const auto after = engine->counters();
  EXPECT_EQ(after.dropped_unknown_source - before.dropped_unknown_source, 10u);
  EXPECT_EQ(after.dropped_malformed - before.dropped_malformed, 20u);

  // Then a flood of random bytes and foreign RTP as fast as the socket takes it. The kernel
  // drops what overflows the socket buffer; whatever reaches us is dropped and counted.
  std::mt19937 random(99);
  constexpr int kValidLooking = 2000;
  constexpr int kGarbage = 2000;
  for (int i = 0; i < kValidLooking; ++i)
    attacker.send_rtp(RtpHeader{false, 0, static_cast<std::uint16_t>(i), 0, 0xBAD},
                      std::vector<std::uint8_t>(160, 0), target);
  for (int i = 0; i < kGarbage; ++i) {
    std::vector<std::uint8_t> junk(random() % 40);
    for (auto& b : junk) b = static_cast<std::uint8_t>(random());
    attacker.send_raw(junk, target);
  }
  // The real phone is still heard: a digit gets through.
  Rfc4733Sender sender;
  ASSERT_TRUE(sender.queue("7", 100, 0));
  std::uint16_t sequence = 2000;
  for (int i = 0; i < 10; ++i) {
    if (auto event = sender.next(50000, 160))
      phone.send_rtp(RtpHeader{event->marker, 101, sequence++, event->timestamp, 0x1234},
                     event->payload, target);
    std::this_thread::sleep_for(20ms);
  }
  const auto digit =
      log->wait_for<DtmfReceived>([](const DtmfReceived& d) { return d.digit == '7'; });
  ASSERT_TRUE(digit);

  std::this_thread::sleep_for(300ms);
  const auto flooded = engine->counters();
  EXPECT_GT(flooded.dropped_unknown_source, after.dropped_unknown_source);
  EXPECT_GT(flooded.dropped_malformed, after.dropped_malformed);
  EXPECT_LE(flooded.dropped_unknown_source + flooded.dropped_malformed -
                after.dropped_unknown_source - after.dropped_malformed,
            static_cast<std::uint64_t>(kValidLooking + kGarbage));
  // Our media still goes to the phone, never to the attacker.
  EXPECT_TRUE(phone.receive(1000ms));
  EXPECT_FALSE(attacker.receive(300ms));
}

TEST_F(MediaEngineTest, LearnsThePeersRealAddressFromItsFirstPackets) {
  RtpTestPeer signalled, natted;  // the SDP says one address, packets come from another
  const auto e = endpoint();
  ASSERT_TRUE(engine->set_remote(e.id, testing::remote_to(signalled, pcmu_codec())));
  EXPECT_TRUE(signalled.receive(2000ms));  // until it hears from the peer, it uses the SDP
  testing::send_paced(natted, testing::loopback(e.rtp_port), 3, 0,
                      [](int) { return std::vector<std::uint8_t>(160, 0x55); });
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(natted.receive(2000ms));
  // Drain what the signalled address got before the switch; then it gets nothing.
  while (signalled.receive(100ms)) {
  }
  EXPECT_FALSE(signalled.receive(300ms));
}

TEST_F(MediaEngineTest, MediaTimeoutIsAnEventAndSoIsTheReturnOfMedia) {
  auto config = testing::loopback_config();
  config.endpoint.media_timeout = 300ms;
  start(config);
  RtpTestPeer peer;
  const auto e = endpoint();
  ASSERT_TRUE(engine->set_remote(e.id, testing::remote_to(peer, pcmu_codec())));
  const auto timeout =
      log->wait_for<MediaTimeout>([](const MediaTimeout& t) { return !t.resumed; });
  ASSERT_TRUE(timeout);
  EXPECT_EQ(timeout->endpoint, e.id);
  EXPECT_GE(timeout->silent_ms, 300);
  testing::send_paced(peer, testing::loopback(e.rtp_port), 2, 0,
                      [](int) { return std::vector<std::uint8_t>(160, 0x55); });
  EXPECT_TRUE(log->wait_for<MediaTimeout>([](const MediaTimeout& t) { return t.resumed; }));
}

TEST_F(MediaEngineTest, SendsRtcpReportsAndReadsThePeersReports) {
  auto config = testing::loopback_config();
  config.endpoint.rtcp_interval = 300ms;
  start(config);
  RtpTestPeer peer, peer_rtcp;
  const auto e = endpoint();
  auto remote = testing::remote_to(peer, pcmu_codec());
  remote.rtcp = peer_rtcp.address();
  ASSERT_TRUE(engine->set_remote(e.id, remote));
  testing::send_paced(
      peer, testing::loopback(e.rtp_port), 20, 0,
      [](int) { return std::vector<std::uint8_t>(160, 0x55); }, 0xABCD);

  auto datagram = peer_rtcp.receive_raw(3000ms);
  ASSERT_TRUE(datagram);
  RtcpReport report;
  ASSERT_EQ(parse_rtcp(*datagram, report), RtcpParseError::none);
  EXPECT_TRUE(report.has_sender_info);
  EXPECT_GT(report.sender.packet_count, 0u);
  ASSERT_EQ(report.block_count, 1);
  EXPECT_EQ(report.blocks[0].ssrc, 0xABCDu);
  EXPECT_EQ(report.blocks[0].cumulative_lost, 0);

  // The peer says it lost a quarter of our packets.
  RtcpReport ours;
  ours.ssrc = 0xABCD;
  ours.block_count = 1;
  ours.blocks[0].ssrc = report.ssrc;
  ours.blocks[0].fraction_lost = 64;
  ours.blocks[0].cumulative_lost = 12;
  ours.blocks[0].jitter = 80;
  std::uint8_t buffer[128];
  const auto size = write_rtcp_report(ours, "peer", buffer);
  peer_rtcp.send_raw(std::span(buffer, size), testing::loopback(e.rtcp_port));

  const auto stats = log->wait_for<RtcpStatsReport>(
      [&](const RtcpStatsReport& r) { return r.endpoint == e.id && r.stats.remote_report; });
  ASSERT_TRUE(stats);
  EXPECT_DOUBLE_EQ(stats->stats.remote_loss_percent, 25.0);
  EXPECT_EQ(stats->stats.remote_packets_lost, 12);
  EXPECT_DOUBLE_EQ(stats->stats.remote_jitter_ms, 10.0);
  EXPECT_EQ(stats->stats.packets_received, 20u);
  EXPECT_EQ(stats->stats.packets_lost, 0);

  ASSERT_TRUE(engine->destroy_endpoint(e.id));
  const auto final_stats = log->wait_for<RtcpStatsReport>(
      [&](const RtcpStatsReport& r) { return r.endpoint == e.id && r.final; });
  ASSERT_TRUE(final_stats);
  EXPECT_EQ(final_stats->stats.packets_received, 20u);
}

// Caller, agent and supervisor with constant voices: what each one hears tells who is mixed in.
TEST_F(MediaEngineTest, SupervisorListenWhisperAndBargeIn) {
  RtpTestPeer caller, agent, supervisor;
  const auto a = endpoint();
  const auto b = endpoint(a.id);
  const auto s = endpoint(a.id);
  for (const auto& [info, peer] : {std::pair{a, &caller}, {b, &agent}, {s, &supervisor}})
    ASSERT_TRUE(engine->set_remote(info.id, testing::remote_to(*peer, pcmu_codec())));
  const auto mixer = engine->bridge(a.id, b.id);
  ASSERT_TRUE(mixer);
  ASSERT_TRUE(engine->join_mixer(*mixer, s.id, PartyMode::speak_to_none));

  const std::int16_t kCaller = 1000, kAgent = 3000, kSupervisor = 9000;
  auto level = [](std::int16_t v) { return g711::ulaw_to_linear(g711::linear_to_ulaw(v)); };
  auto heard = [&](std::initializer_list<std::int16_t> voices) {
    int sum = 0;
    for (const auto v : voices) sum += level(v);
    return g711::ulaw_to_linear(g711::linear_to_ulaw(static_cast<std::int16_t>(sum)));
  };

  std::atomic<bool> talking{true};
  auto talk = [&](RtpTestPeer& peer, std::uint16_t port, std::int16_t value, std::uint32_t ssrc) {
    return std::async(std::launch::async, [&, port, value, ssrc] {
      const auto frame = std::vector<std::uint8_t>(160, g711::linear_to_ulaw(value));
      const auto start = std::chrono::steady_clock::now();
      for (int k = 0; talking; ++k) {
        std::this_thread::sleep_until(start + 20ms * k);
        peer.send_rtp(RtpHeader{false, 0, static_cast<std::uint16_t>(k),
                                static_cast<std::uint32_t>(k * 160), ssrc},
                      frame, testing::loopback(port));
      }
    });
  };
  auto t1 = talk(caller, a.rtp_port, kCaller, 1);
  auto t2 = talk(agent, b.rtp_port, kAgent, 2);
  auto t3 = talk(supervisor, s.rtp_port, kSupervisor, 3);

  // What each party hears most often over a second (steady state, ignoring start-up frames).
  auto dominant = [&](RtpTestPeer& peer) {
    std::map<std::int16_t, int> counts;
    for (const auto& packet : testing::collect(peer, 1000ms))
      ++counts[g711::ulaw_to_linear(packet.payload[80])];
    return std::max_element(counts.begin(), counts.end(),
                            [](auto& x, auto& y) { return x.second < y.second; })
        ->first;
  };
  auto check = [&](std::int16_t caller_hears, std::int16_t agent_hears,
                   std::int16_t supervisor_hears) {
    std::this_thread::sleep_for(300ms);
    auto c = std::async(std::launch::async, [&] { return dominant(caller); });
    auto g = std::async(std::launch::async, [&] { return dominant(agent); });
    auto v = std::async(std::launch::async, [&] { return dominant(supervisor); });
    EXPECT_EQ(c.get(), caller_hears);
    EXPECT_EQ(g.get(), agent_hears);
    EXPECT_EQ(v.get(), supervisor_hears);
  };

  check(heard({kAgent}), heard({kCaller}), heard({kCaller, kAgent}));  // silent listen
  ASSERT_TRUE(engine->set_party_mode(*mixer, s.id, PartyMode::speak_to_one, b.id));
  check(heard({kAgent}), heard({kCaller, kSupervisor}), heard({kCaller, kAgent}));  // whisper
  ASSERT_TRUE(engine->set_party_mode(*mixer, s.id, PartyMode::speak_to_all));
  check(heard({kAgent, kSupervisor}), heard({kCaller, kSupervisor}),
        heard({kCaller, kAgent}));  // barge
  talking = false;
  t1.get();
  t2.get();
  t3.get();
}

TEST_F(MediaEngineTest, ADigitBargesIntoAPromptAndSipInfoDigitsAreEvents) {
  RtpTestPeer peer;
  const auto e = endpoint();
  ASSERT_TRUE(engine->set_remote(e.id, testing::remote_to(peer, pcmu_codec(), 101)));
  PlayRequest request;
  request.items = {PlaylistItem::of_tone(tones::ringback())};
  request.barge_in = true;
  const auto playback = engine->play(e.id, std::move(request));
  ASSERT_TRUE(playback);
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(engine->inject_sip_info_dtmf(e.id, '5', 160));
  const auto digit =
      log->wait_for<DtmfReceived>([](const DtmfReceived& d) { return d.digit == '5'; });
  ASSERT_TRUE(digit);
  EXPECT_EQ(digit->source, DtmfSource::sip_info);
  EXPECT_EQ(digit->duration_ms, 160);
  const auto finished = log->wait_for<PlaybackFinished>(
      [&](const PlaybackFinished& f) { return f.playback == *playback; });
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->reason, PlaybackEnd::barged_in);
  EXPECT_EQ(finished->digit, '5');
  EXPECT_FALSE(engine->inject_sip_info_dtmf(e.id, 'x', 0));
}

TEST_F(MediaEngineTest, DetectsInbandDigitsFromPeersWithoutTelephoneEvent) {
  RtpTestPeer peer;
  const auto e = endpoint();
  ASSERT_TRUE(engine->set_remote(e.id, testing::remote_to(peer, pcmu_codec(), -1)));
  const std::map<char, std::array<int, 2>> frequencies = {{'4', {770, 1209}}, {'2', {697, 1336}}};
  std::vector<std::int16_t> audio;
  for (const char digit : std::string("42")) {
    ToneGenerator tone(ToneSpec{frequencies.at(digit), -10, {100, 100, 0, 0}});
    std::vector<std::int16_t> part(1600);
    tone.fill(part);
    audio.insert(audio.end(), part.begin(), part.end());
  }
  testing::send_paced(
      peer, testing::loopback(e.rtp_port), static_cast<int>(audio.size() / 160), 0, [&](int k) {
        return ulaw_frame([&, k](int i) { return audio[static_cast<std::size_t>(k * 160 + i)]; });
      });
  ASSERT_TRUE(log->wait_for<DtmfReceived>([](const DtmfReceived& d) { return d.digit == '2'; }));
  std::string digits;
  for (const auto& event : log->all<DtmfReceived>()) {
    digits += event.digit;
    EXPECT_EQ(event.source, DtmfSource::inband);
  }
  EXPECT_EQ(digits, "42");
}

TEST_F(MediaEngineTest, WorksOverIpv6) {
  RtpTestPeer* peer_ptr = nullptr;
  std::unique_ptr<RtpTestPeer> peer;
  try {
    peer = std::make_unique<RtpTestPeer>("::1");
    peer_ptr = peer.get();
  } catch (const std::exception&) {
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  EndpointOptions options;
  options.ipv6 = true;
  const auto e = engine->create_endpoint(options);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_TRUE(e->local.ipv6());
  ASSERT_TRUE(engine->set_remote(e->id, testing::remote_to(*peer_ptr, pcma_codec())));
  testing::send_paced(*peer_ptr, testing::loopback(e->rtp_port, "::1"), 3, 8,
                      [](int) { return std::vector<std::uint8_t>(160, 0x55); });
  const auto packet = peer_ptr->receive(2000ms);
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->header.payload_type, 8);
}

TEST_F(MediaEngineTest, PlaybackCanBeReplacedAndStopped) {
  RtpTestPeer peer;
  const auto e = endpoint();
  ASSERT_TRUE(engine->set_remote(e.id, testing::remote_to(peer, pcmu_codec())));
  PlayRequest hold;
  hold.items = {PlaylistItem::of_tone(tones::dial())};
  hold.loop = true;
  const auto first = engine->play(e.id, hold);
  const auto second = engine->play(e.id, hold);
  ASSERT_TRUE(first && second);
  const auto replaced = log->wait_for<PlaybackFinished>(
      [&](const PlaybackFinished& f) { return f.playback == *first; });
  ASSERT_TRUE(replaced);
  EXPECT_EQ(replaced->reason, PlaybackEnd::replaced);
  ASSERT_TRUE(engine->stop_playback(e.id));
  const auto stopped = log->wait_for<PlaybackFinished>(
      [&](const PlaybackFinished& f) { return f.playback == *second; });
  ASSERT_TRUE(stopped);
  EXPECT_EQ(stopped->reason, PlaybackEnd::stopped);
  const auto third = engine->play(e.id, hold);
  ASSERT_TRUE(third);
  ASSERT_TRUE(engine->destroy_endpoint(e.id));
  const auto closed = log->wait_for<PlaybackFinished>(
      [&](const PlaybackFinished& f) { return f.playback == *third; });
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->reason, PlaybackEnd::endpoint_closed);
  EXPECT_FALSE(engine->play(e.id, hold));  // gone
}

TEST_F(MediaEngineTest, AMixerEndsWithItsLastMemberAndUnknownIdsAreErrors) {
  const auto a = endpoint();
  const auto b = endpoint(a.id);
  const auto mixer = engine->bridge(a.id, b.id);
  ASSERT_TRUE(mixer);
  ASSERT_TRUE(engine->leave_mixer(a.id));
  ASSERT_TRUE(engine->leave_mixer(b.id));
  ASSERT_TRUE(engine->join_mixer(*mixer, a.id, PartyMode::speak_to_all));
  const auto error =
      log->wait_for<MediaError>([&](const MediaError& e) { return e.endpoint == a.id; });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "unknown_endpoint");

  EXPECT_EQ(engine->join_mixer(0, a.id, PartyMode::speak_to_all).error().code, "unknown_mixer");
  EXPECT_EQ(engine->join_mixer(*mixer, a.id, PartyMode::speak_to_one).error().code, "bad_mode");
  EXPECT_EQ(engine->stop_recording(0).error().code, "unknown_recording");
  EXPECT_EQ(engine->destroy_mixer(0).error().code, "unknown_mixer");
  RecordingRequest no_path;
  no_path.left = a.id;
  EXPECT_FALSE(engine->start_recording(no_path));
}

TEST_F(MediaEngineTest, RefusesToBridgeEndpointsOnDifferentWorkers) {
  const auto a = endpoint();
  const auto b = endpoint();  // round-robin: the other worker
  const auto bridged = engine->bridge(a.id, b.id);
  ASSERT_FALSE(bridged);
  EXPECT_EQ(bridged.error().code, "not_colocated");
  EXPECT_TRUE(engine->bridge(a.id, endpoint(a.id).id));
}

}  // namespace
}  // namespace hotline::media
