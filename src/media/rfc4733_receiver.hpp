#pragma once
// Turns RFC 4733 telephone-event packets into digits. One key press is one event, identified
// by its RTP timestamp; every packet of it (updates, the three end packets, retransmissions)
// shares that timestamp, so a digit is reported exactly once: when its first end packet
// arrives, when a new event starts before the old one ended, or when its packets stop.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace hotline::media {

struct ReceivedDigit {
  char digit = 0;
  std::uint32_t rtp_timestamp = 0;
  int duration_ms = 0;
  std::int64_t started_ms = 0;  // caller's clock, when the first packet arrived
  bool end_seen = false;        // false: completed by timeout, the end packets were lost
};

// At most two digits complete on one packet (a lost end, then a new one-packet event).
struct ReceivedDigits {
  std::array<ReceivedDigit, 2> digits{};
  std::size_t count = 0;
  void add(const ReceivedDigit& digit) {
    if (count < digits.size()) digits[count++] = digit;
  }
};

class Rfc4733Receiver {
 public:
  // An event whose packets stop for this long without an end packet is completed anyway.
  static constexpr std::int64_t kEndTimeoutMs = 500;

  // `now_ms` is any monotonic millisecond clock. Malformed payloads and unknown event codes
  // (tones other than DTMF) are ignored.
  ReceivedDigits on_packet(std::uint32_t rtp_timestamp, std::span<const std::uint8_t> payload,
                           std::int64_t now_ms);
  ReceivedDigits on_tick(std::int64_t now_ms);

  std::uint64_t ignored_packets() const { return ignored_packets_; }

 private:
  struct EventKey {
    std::uint32_t timestamp = 0;
    std::uint8_t event = 0;
    bool operator==(const EventKey&) const = default;
  };

  bool recently_finished(const EventKey& key) const;
  ReceivedDigit finish(bool end_seen);

  bool active_ = false;
  EventKey current_{};
  std::uint16_t duration_ = 0;
  std::int64_t started_ms_ = 0;
  std::int64_t last_packet_ms_ = 0;
  std::array<EventKey, 8> finished_{};  // ring of recent events, to drop late redundancy
  std::size_t finished_next_ = 0;
  std::size_t finished_count_ = 0;
  std::uint64_t ignored_packets_ = 0;
};

}  // namespace hotline::media
