#include "call/music_on_hold.hpp"

namespace hotline::call {

media::PlayRequest music_on_hold() {
  media::PlayRequest request;
  for (int hz : {523, 659, 784, 659}) {
    media::ToneSpec note;
    note.frequencies_hz = {hz, 0};
    note.level_dbm0 = -20;
    request.items.push_back(media::PlaylistItem::of_tone(note, 400));
    request.items.push_back(media::PlaylistItem::of_silence(200));
  }
  request.items.push_back(media::PlaylistItem::of_silence(1500));
  request.loop = true;
  return request;
}

}  // namespace hotline::call
