#pragma once
// Produces RFC 4733 telephone-event packets for queued digits, one per packet time: a start
// packet with the marker bit, updates with a growing duration, then the end packet sent three
// times (section 2.5.1.4), then a pause before the next digit. Audio is suppressed while an
// event is being sent. No allocation after construction.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace hotline::media {

struct OutgoingTelephoneEvent {
  bool marker = false;
  std::uint32_t timestamp = 0;
  std::array<std::uint8_t, 4> payload{};
};

class Rfc4733Sender {
 public:
  static constexpr std::size_t kMaxQueuedDigits = 64;
  static constexpr int kEndPacketCopies = 3;

  // Returns false (and queues nothing) when a digit is invalid or the queue would overflow.
  bool queue(std::string_view digits, int duration_ms, int pause_ms);
  bool idle() const { return queue_size_ == 0 && phase_ == Phase::idle; }

  // Called once per outgoing packet time. `timestamp` is what the next audio packet would
  // carry and `samples_per_packet` the packet time in RTP units. Returns the packet to send
  // instead of audio, or nullopt when audio should go out (also during pauses).
  std::optional<OutgoingTelephoneEvent> next(std::uint32_t timestamp, int samples_per_packet);

 private:
  enum class Phase { idle, sending, ending, pausing };
  struct QueuedDigit {
    std::uint8_t event = 0;
    int duration_ms = 0;
    int pause_ms = 0;
  };

  std::array<QueuedDigit, kMaxQueuedDigits> queue_{};
  std::size_t queue_head_ = 0;
  std::size_t queue_size_ = 0;

  Phase phase_ = Phase::idle;
  QueuedDigit current_{};
  std::uint32_t event_timestamp_ = 0;
  int total_duration_ = 0;  // RTP units
  int sent_duration_ = 0;
  int end_copies_sent_ = 0;
  int pause_remaining_ = 0;  // RTP units
  bool first_packet_ = false;
};

}  // namespace hotline::media
