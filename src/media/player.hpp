#pragma once
// Plays a playlist (prompts, tones, silence) into the media clock, one frame per tick, with
// optional looping (music on hold) and barge-in (a DTMF digit stops it). Lives on a media
// worker; the playlist is built on the control side and moved in.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "media/audio_clip.hpp"
#include "media/media_constants.hpp"
#include "media/tone_generator.hpp"

namespace hotline::media {

struct PlaylistItem {
  enum class Kind { clip, tone, silence };
  Kind kind = Kind::silence;
  AudioClipPtr clip;
  ToneSpec tone;
  int duration_ms = 0;  // tone and silence; 0 for a tone means until stopped

  static PlaylistItem of_clip(AudioClipPtr clip);
  static PlaylistItem of_tone(const ToneSpec& tone, int duration_ms = 0);
  static PlaylistItem of_silence(int duration_ms);
};

struct PlayRequest {
  std::vector<PlaylistItem> items;
  bool loop = false;      // start over at the end (music on hold)
  bool barge_in = false;  // a received DTMF digit stops playback
};

class Player {
 public:
  enum class Tick { idle, playing, finished };

  void start(PlayRequest request);
  void stop();
  bool active() const { return active_; }
  bool barge_in() const { return active_ && request_.barge_in; }
  // Writes the next frame (silence past the end). `finished` is returned once, on the tick
  // the playlist ran out.
  Tick fill(std::span<std::int16_t, kFrameSamples> frame);

 private:
  bool begin_item();
  std::size_t fill_from_item(std::span<std::int16_t> out);

  PlayRequest request_;
  bool active_ = false;
  std::size_t item_index_ = 0;
  std::size_t item_position_ = 0;  // samples into the current item
  std::optional<ToneGenerator> tone_;
  bool produced_this_pass_ = false;
};

}  // namespace hotline::media
