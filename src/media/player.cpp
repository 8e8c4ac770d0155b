#include "media/player.hpp"

#include <algorithm>

namespace hotline::media {

PlaylistItem PlaylistItem::of_clip(AudioClipPtr clip) {
  PlaylistItem item;
  item.kind = Kind::clip;
  item.clip = std::move(clip);
  return item;
}

PlaylistItem PlaylistItem::of_tone(const ToneSpec& tone, int duration_ms) {
  PlaylistItem item;
  item.kind = Kind::tone;
  item.tone = tone;
  item.duration_ms = std::max(duration_ms, 0);
  return item;
}

PlaylistItem PlaylistItem::of_silence(int duration_ms) {
  PlaylistItem item;
  item.kind = Kind::silence;
  item.duration_ms = std::max(duration_ms, 0);
  return item;
}

void Player::start(PlayRequest request) {
  request_ = std::move(request);
  active_ = !request_.items.empty();
  item_index_ = 0;
  item_position_ = 0;
  produced_this_pass_ = false;
  if (active_) begin_item();
}

void Player::stop() {
  active_ = false;
  tone_.reset();
  request_.items.clear();  // drops clip references on the worker, not per tick
}

bool Player::begin_item() {
  item_position_ = 0;
  tone_.reset();
  const auto& item = request_.items[item_index_];
  if (item.kind == PlaylistItem::Kind::tone) tone_.emplace(item.tone);
  return true;
}

// Returns samples written from the current item; 0 when the item is exhausted.
std::size_t Player::fill_from_item(std::span<std::int16_t> out) {
  const auto& item = request_.items[item_index_];
  std::size_t available = 0;
  switch (item.kind) {
    case PlaylistItem::Kind::clip: {
      if (!item.clip) return 0;
      const auto& samples = item.clip->samples;
      available = samples.size() > item_position_ ? samples.size() - item_position_ : 0;
      const std::size_t count = std::min(available, out.size());
      std::copy_n(samples.begin() + static_cast<std::ptrdiff_t>(item_position_), count,
                  out.begin());
      item_position_ += count;
      return count;
    }
    case PlaylistItem::Kind::tone:
    case PlaylistItem::Kind::silence: {
      const bool endless = item.kind == PlaylistItem::Kind::tone && item.duration_ms == 0;
      const std::size_t total = static_cast<std::size_t>(item.duration_ms) * kSampleRate / 1000;
      available = endless ? out.size() : (total > item_position_ ? total - item_position_ : 0);
      const std::size_t count = std::min(available, out.size());
      const auto part = out.first(count);
      if (tone_) {
        tone_->fill(part);
      } else {
        std::fill(part.begin(), part.end(), std::int16_t{0});
      }
      item_position_ += count;
      return count;
    }
  }
  return 0;
}

Player::Tick Player::fill(std::span<std::int16_t, kFrameSamples> frame) {
  if (!active_) {
    std::fill(frame.begin(), frame.end(), std::int16_t{0});
    return Tick::idle;
  }
  std::size_t written = 0;
  while (written < frame.size()) {
    const std::size_t count = fill_from_item(std::span<std::int16_t>(frame).subspan(written));
    written += count;
    if (count > 0) produced_this_pass_ = true;
    if (written == frame.size()) break;
    // Current item exhausted: next one, or wrap around when looping.
    if (++item_index_ >= request_.items.size()) {
      if (!request_.loop || !produced_this_pass_) {
        std::fill(frame.begin() + static_cast<std::ptrdiff_t>(written), frame.end(),
                  std::int16_t{0});
        stop();
        return Tick::finished;
      }
      item_index_ = 0;
      produced_this_pass_ = false;
    }
    begin_item();
  }
  return Tick::playing;
}

}  // namespace hotline::media
