#pragma once
// Shared pieces of the engine loopback tests: an engine on 127.0.0.1, event collection and
// paced RTP senders.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include "media/audio_codec.hpp"
#include "media/g711.hpp"
#include "media/media_engine.hpp"
#include "rtp_test_peer.hpp"

namespace hotline::media::testing {

inline constexpr auto kEventTimeout = std::chrono::seconds(20);

inline MediaEngineConfig loopback_config() {
  MediaEngineConfig config;
  config.workers = 2;
  config.rtp_ports = PortRange{41000, 41999};
  config.ipv4_bind_address = "127.0.0.1";
  config.ipv6_bind_address = "::1";
  // A loaded test machine can stall threads: give the jitter buffer room and no latency trim,
  // so these tests see transport losses only (the policy has its own unit tests).
  config.endpoint.jitter_buffer = JitterBufferPolicy{30, 2, 0};
  return config;
}

inline RemoteMedia remote_to(const RtpTestPeer& peer, const CodecDescriptor& codec,
                             int telephone_event_payload_type = 101, int ptime_ms = 20) {
  RemoteMedia remote;
  remote.rtp = peer.address();
  remote.rtcp = peer.address();
  remote.rtcp.set_port(static_cast<std::uint16_t>(peer.port() + 1));
  remote.codec = &codec;
  remote.payload_type = codec.static_payload_type;
  remote.telephone_event_payload_type = telephone_event_payload_type;
  remote.ptime_ms = ptime_ms;
  return remote;
}

// Collects every event the engine reports; waits for ones that match.
class EventLog {
 public:
  explicit EventLog(MediaEventQueue& queue) : queue_(queue) {}

  template <typename T>
  std::optional<T> wait_for(const std::function<bool(const T&)>& match,
                            std::chrono::milliseconds timeout = kEventTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (std::size_t seen = 0;;) {
      for (; seen < events_.size(); ++seen)
        if (const auto* event = std::get_if<T>(&events_[seen]); event && match(*event))
          return *event;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      if (auto event = queue_.wait_pop(std::min(left, std::chrono::milliseconds(100))))
        events_.push_back(std::move(*event));
    }
  }

  // True once at least `count` events of type T have arrived.
  template <typename T>
  bool wait_count(std::size_t count, std::chrono::milliseconds timeout = kEventTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (all<T>().size() < count) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (auto event = queue_.wait_pop(std::min(left, std::chrono::milliseconds(100))))
        events_.push_back(std::move(*event));
    }
    return true;
  }

  template <typename T>
  std::vector<T> all() {
    while (auto event = queue_.try_pop()) events_.push_back(std::move(*event));
    std::vector<T> out;
    for (const auto& event : events_)
      if (const auto* typed = std::get_if<T>(&event)) out.push_back(*typed);
    return out;
  }

 private:
  MediaEventQueue& queue_;
  std::vector<MediaEvent> events_;
};

// Sends `frames` 20 ms frames of `payload_for(k)` from `peer` to `to`, paced on a fixed grid.
inline void send_paced(RtpTestPeer& peer, const SocketAddress& to, int frames,
                       std::uint8_t payload_type,
                       const std::function<std::vector<std::uint8_t>(int)>& payload_for,
                       std::uint32_t ssrc = 0x1234, std::uint16_t first_sequence = 1000) {
  const auto start = std::chrono::steady_clock::now();
  for (int k = 0; k < frames; ++k) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(20) * k);
    const auto payload = payload_for(k);
    peer.send_rtp(RtpHeader{k == 0, payload_type, static_cast<std::uint16_t>(first_sequence + k),
                            static_cast<std::uint32_t>(8000 + k * 160), ssrc},
                  payload, to);
  }
}

// Every packet that arrives at `peer` during `duration`.
inline std::vector<ReceivedPacket> collect(RtpTestPeer& peer, std::chrono::milliseconds duration) {
  std::vector<ReceivedPacket> packets;
  const auto deadline = std::chrono::steady_clock::now() + duration;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    if (auto packet = peer.receive(std::min(left, std::chrono::milliseconds(100))))
      packets.push_back(std::move(*packet));
  }
  return packets;
}

inline bool all_bytes(const std::vector<std::uint8_t>& payload, std::uint8_t value) {
  for (const auto b : payload)
    if (b != value) return false;
  return true;
}

}  // namespace hotline::media::testing
