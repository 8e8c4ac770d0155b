#pragma once
// Converts a finished stereo WAV recording into a browser-playable file: MP3 (LAME, through
// libsndfile) or Ogg/Opus (libopus, through libsndfile). Blocking: run it off the media path.
#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "media/media_events.hpp"

namespace hotline::media {

struct CompressedAudio {
  std::string path;
  std::int64_t frames = 0;  // sample frames read from the WAV
};

// The output path is the WAV path with its extension replaced (.mp3 / .opus).
std::string compressed_path_for(const std::string& wav_path, RecordingFormat format);
Result<CompressedAudio> compress_wav(const std::string& wav_path, RecordingFormat format);

}  // namespace hotline::media
