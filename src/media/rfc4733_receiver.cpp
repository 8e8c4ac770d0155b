#include "media/rfc4733_receiver.hpp"

#include <algorithm>

#include "media/media_constants.hpp"
#include "media/telephone_event.hpp"

namespace hotline::media {

bool Rfc4733Receiver::recently_finished(const EventKey& key) const {
  return std::find(finished_.begin(),
                   finished_.begin() + static_cast<std::ptrdiff_t>(finished_count_),
                   key) != finished_.begin() + static_cast<std::ptrdiff_t>(finished_count_);
}

ReceivedDigit Rfc4733Receiver::finish(bool end_seen) {
  ReceivedDigit digit;
  digit.digit = dtmf_digit(current_.event).value_or('?');
  digit.rtp_timestamp = current_.timestamp;
  digit.duration_ms = duration_ * 1000 / kSampleRate;
  digit.started_ms = started_ms_;
  digit.end_seen = end_seen;
  finished_[finished_next_] = current_;
  finished_next_ = (finished_next_ + 1) % finished_.size();
  finished_count_ = std::min(finished_count_ + 1, finished_.size());
  active_ = false;
  return digit;
}

ReceivedDigits Rfc4733Receiver::on_packet(std::uint32_t rtp_timestamp,
                                          std::span<const std::uint8_t> payload,
                                          std::int64_t now_ms) {
  ReceivedDigits out;
  const auto event = parse_telephone_event(payload);
  if (!event || !dtmf_digit(event->event)) {
    ++ignored_packets_;
    return out;
  }
  const EventKey key{rtp_timestamp, event->event};
  if (active_ && key == current_) {
    duration_ = std::max(duration_, event->duration);
    last_packet_ms_ = now_ms;
    if (event->end) out.add(finish(true));
    return out;
  }
  if (recently_finished(key)) return out;  // redundant end packet or late update
  if (active_) out.add(finish(false));     // the previous event's end packets were lost
  active_ = true;
  current_ = key;
  duration_ = event->duration;
  started_ms_ = now_ms;
  last_packet_ms_ = now_ms;
  if (event->end) out.add(finish(true));
  return out;
}

ReceivedDigits Rfc4733Receiver::on_tick(std::int64_t now_ms) {
  ReceivedDigits out;
  if (active_ && now_ms - last_packet_ms_ >= kEndTimeoutMs) out.add(finish(false));
  return out;
}

}  // namespace hotline::media
