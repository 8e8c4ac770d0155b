#pragma once
// Where synthesized prompts live between restarts: one 8 kHz WAV per (voice, rate, pitch,
// volume, text), named by a SHA-256 of all of them, so a restart or a second node with the
// same data directory plays the same audio without synthesizing again.
#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "media/audio_clip.hpp"
#include "media/speech_engine.hpp"

namespace hotline::media {

// Lowercase hex SHA-256 of the voice settings and the text, with a format version so a change
// to how speech is produced invalidates old files.
std::string speech_cache_key(const SpeechVoice& voice, std::string_view text);

class SpeechDiskCache {
 public:
  explicit SpeechDiskCache(std::filesystem::path directory);

  std::filesystem::path path_for(const std::string& key) const;
  // Error "not_found" when there is no file; "prompt_unreadable"/"prompt_format" when it is
  // damaged (the caller synthesizes again and overwrites it).
  Result<AudioClipPtr> load(const std::string& key) const;
  // Atomic (temp file + rename): readers never see a half-written file.
  Status store(const std::string& key, const AudioClip& clip) const;

 private:
  std::filesystem::path directory_;
};

}  // namespace hotline::media
