#pragma once
// Loads WAV prompts (mono 16-bit PCM, 8 or 16 kHz; other rates are resampled too) through
// libsndfile, converts them to 8 kHz once and keeps them in memory keyed by path. Loading is
// file I/O: do it at startup or off the media workers. Thread-safe.
#include <map>
#include <mutex>
#include <string>

#include "common/result.hpp"
#include "media/audio_clip.hpp"

namespace hotline::media {

// Reads and converts one file, without caching. Errors: "prompt_unreadable",
// "prompt_format" (not mono, or empty).
Result<AudioClipPtr> load_wav_prompt(const std::string& path);

class PromptCache {
 public:
  Result<AudioClipPtr> get(const std::string& path);
  // Registers audio made elsewhere (TTS) under a key.
  void put(const std::string& key, AudioClipPtr clip);
  void forget(const std::string& key);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, AudioClipPtr> clips_;
};

}  // namespace hotline::media
