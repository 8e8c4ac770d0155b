#include "media/jitter_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace hotline::media {

JitterBuffer::JitterBuffer(const JitterBufferPolicy& policy) : policy_(policy) {
  policy_.max_packets = std::clamp<std::size_t>(policy_.max_packets, 1, kSlots - 1);
}

void JitterBuffer::reset() {
  for (auto& slot : slots_) slot.used = false;
  buffered_ = 0;
  have_next_ = false;
  waited_once_ = false;
  running_ = false;
  playing_ = false;
  prefill_wait_ = 0;
  window_ticks_ = 0;
  window_min_samples_ = std::numeric_limits<std::size_t>::max();
  fifo_size_ = 0;
}

JitterBuffer::PushResult JitterBuffer::push(std::uint16_t sequence,
                                            std::span<const std::uint8_t> payload) {
  if (payload.size() > kMaxPayloadBytes) return PushResult::too_large;
  if (!have_next_) {
    have_next_ = true;
    next_sequence_ = sequence;
  }
  const auto distance = static_cast<std::int16_t>(sequence - next_sequence_);
  if (distance < 0 && distance >= -kMaxMisorder) {
    ++counters_.too_late;
    return PushResult::too_late;
  }
  if (distance < 0 || distance >= static_cast<int>(kSlots)) {
    // A jump no reordering explains: the sender restarted its sequence.
    ++counters_.restarts;
    start_new_stream();
    have_next_ = true;
    next_sequence_ = sequence;
  }
  Slot& slot = slots_[sequence % kSlots];
  if (slot.used) {
    ++counters_.duplicates;
    return PushResult::duplicate;
  }
  slot.used = true;
  slot.sequence = sequence;
  slot.size = static_cast<std::uint16_t>(payload.size());
  if (!payload.empty()) std::memcpy(slot.data.data(), payload.data(), payload.size());
  ++buffered_;
  ++counters_.stored;
  if (buffered_ > policy_.max_packets) {
    drop_oldest();
    ++counters_.overflow;
    return PushResult::overflow;
  }
  return PushResult::stored;
}

void JitterBuffer::drop_oldest() {
  // Advance past the first stored packet (and any gap before it).
  for (std::size_t step = 0; step < kSlots && buffered_ > 0; ++step) {
    Slot& slot = slots_[next_sequence_ % kSlots];
    const bool present = slot.used && slot.sequence == next_sequence_;
    ++next_sequence_;
    if (present) {
      slot.used = false;
      --buffered_;
      break;
    }
  }
  waited_once_ = false;
}

void JitterBuffer::start_new_stream() {
  // Queued packets of the old stream play first; the fifo takes at least two of any size.
  for (std::size_t step = 0; step < kSlots && buffered_ > 0; ++step) {
    Slot& slot = slots_[next_sequence_ % kSlots];
    if (slot.used && slot.sequence == next_sequence_) {
      if (fifo_size_ + slot.size <= kFifoCapacity) {
        decode_next();
        continue;
      }
      ++counters_.overflow;
      slot.used = false;
      --buffered_;
    }
    ++next_sequence_;
  }
  for (auto& slot : slots_) slot.used = false;
  buffered_ = 0;
  have_next_ = false;
  waited_once_ = false;
}

bool JitterBuffer::decode_next() {
  if (buffered_ == 0) return false;
  Slot& slot = slots_[next_sequence_ % kSlots];
  if (slot.used && slot.sequence == next_sequence_) {
    const std::span<std::int16_t> space(fifo_.data() + fifo_size_, kFifoCapacity - fifo_size_);
    if (decoder_)
      fifo_size_ +=
          decoder_->decode(std::span<const std::uint8_t>(slot.data.data(), slot.size), space);
    slot.used = false;
    --buffered_;
    ++next_sequence_;
    waited_once_ = false;
    return true;
  }
  // The next packet is missing but later ones are here: give it one tick, then skip it.
  if (buffered_ < 2 && !waited_once_) {
    waited_once_ = true;
    return false;
  }
  ++counters_.skipped;
  ++next_sequence_;
  waited_once_ = false;
  return true;
}

std::size_t JitterBuffer::pull(std::span<std::int16_t, kFrameSamples> frame) {
  if (!playing_) {
    const bool cushion = buffered_samples() >= policy_.prefill_frames * kFrameSamples;
    const bool waited = (buffered_ > 0 || fifo_size_ > 0) && ++prefill_wait_ >= kPrefillWaitTicks;
    if (cushion || waited) {
      playing_ = true;
      prefill_wait_ = 0;
    }
  }
  if (playing_) {
    while (fifo_size_ < kFrameSamples && decode_next()) {
    }
  }
  const std::size_t real = playing_ ? std::min(fifo_size_, kFrameSamples) : 0;
  std::copy_n(fifo_.begin(), real, frame.begin());
  std::fill(frame.begin() + static_cast<std::ptrdiff_t>(real), frame.end(), std::int16_t{0});
  std::copy(fifo_.begin() + static_cast<std::ptrdiff_t>(real),
            fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_size_), fifo_.begin());
  fifo_size_ -= real;
  if (real > 0) {
    running_ = true;
  } else if (running_) {
    ++counters_.underruns;
  }
  if (playing_ && real < kFrameSamples && buffered_ == 0 && fifo_size_ == 0)
    playing_ = false;  // ran dry: build the cushion up again before going on
  control_latency();
  return real;
}

void JitterBuffer::control_latency() {
  if (policy_.trim_above_frames == 0 || !playing_) {
    window_ticks_ = 0;
    window_min_samples_ = std::numeric_limits<std::size_t>::max();
    return;
  }
  window_min_samples_ = std::min(window_min_samples_, buffered_samples());
  if (++window_ticks_ < kTrimWindowTicks) return;
  if (window_min_samples_ > policy_.trim_above_frames * kFrameSamples && buffered_ > 0) {
    drop_oldest();
    ++counters_.trimmed;
  }
  window_ticks_ = 0;
  window_min_samples_ = std::numeric_limits<std::size_t>::max();
}

}  // namespace hotline::media
