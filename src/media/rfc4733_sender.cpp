#include "media/rfc4733_sender.hpp"

#include <algorithm>

#include "media/media_constants.hpp"
#include "media/telephone_event.hpp"

namespace hotline::media {

namespace {
constexpr std::uint8_t kVolume = 10;       // -10 dBm0, a typical keypad level
constexpr int kMaxDurationUnits = 0xFFFF;  // longer events would need RFC 4733 segmentation
}  // namespace

bool Rfc4733Sender::queue(std::string_view digits, int duration_ms, int pause_ms) {
  if (digits.size() > kMaxQueuedDigits - queue_size_) return false;
  for (const char digit : digits)
    if (!dtmf_event_code(digit)) return false;
  for (const char digit : digits) {
    const std::size_t index = (queue_head_ + queue_size_) % kMaxQueuedDigits;
    queue_[index] =
        QueuedDigit{*dtmf_event_code(digit), std::max(duration_ms, kTickMs), std::max(pause_ms, 0)};
    ++queue_size_;
  }
  return true;
}

std::optional<OutgoingTelephoneEvent> Rfc4733Sender::next(std::uint32_t timestamp,
                                                          int samples_per_packet) {
  if (phase_ == Phase::pausing) {
    if (pause_remaining_ > 0) {
      pause_remaining_ -= samples_per_packet;
      return std::nullopt;
    }
    phase_ = Phase::idle;
  }
  if (phase_ == Phase::idle) {
    if (queue_size_ == 0) return std::nullopt;
    current_ = queue_[queue_head_];
    queue_head_ = (queue_head_ + 1) % kMaxQueuedDigits;
    --queue_size_;
    phase_ = Phase::sending;
    event_timestamp_ = timestamp;
    const int units = current_.duration_ms * kSampleRate / 1000;
    // Whole packets, so the end packet's duration is what was actually sent.
    total_duration_ =
        std::min((units + samples_per_packet - 1) / samples_per_packet * samples_per_packet,
                 kMaxDurationUnits / samples_per_packet * samples_per_packet);
    sent_duration_ = 0;
    end_copies_sent_ = 0;
    first_packet_ = true;
  }

  TelephoneEvent event;
  event.event = current_.event;
  event.volume = kVolume;
  OutgoingTelephoneEvent packet;
  packet.timestamp = event_timestamp_;
  packet.marker = first_packet_;
  first_packet_ = false;
  if (phase_ == Phase::sending) {
    sent_duration_ = std::min(sent_duration_ + samples_per_packet, total_duration_);
    if (sent_duration_ >= total_duration_) phase_ = Phase::ending;
  }
  event.duration = static_cast<std::uint16_t>(sent_duration_);
  event.end = phase_ == Phase::ending;
  if (phase_ == Phase::ending && ++end_copies_sent_ >= kEndPacketCopies) {
    phase_ = Phase::pausing;
    pause_remaining_ = current_.pause_ms * kSampleRate / 1000;
  }
  write_telephone_event(event, packet.payload);
  return packet;
}

}  // namespace hotline::media
