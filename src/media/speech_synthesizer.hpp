#pragma once
// Mandarin text-to-speech for prompts (espeak-ng, in process). Requests are queued to one
// synthesis thread owned by this object; the result is an 8 kHz clip, cached in memory (the
// engine's PromptCache, under "tts:<sha256>") and on disk (<cache_dir>/<sha256>.wav), so the
// same text is synthesized once per installation, not once per call or per restart.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "common/result.hpp"
#include "media/audio_clip.hpp"
#include "media/prompt_cache.hpp"
#include "media/speech_cache.hpp"
#include "media/speech_engine.hpp"

namespace hotline::media {

struct SpeechSynthesizerConfig {
  std::filesystem::path cache_dir;  // e.g. <data_dir>/tts; created on first write
  std::string espeak_data_path;     // empty: Debian's /usr/lib/x86_64-linux-gnu/espeak-ng-data
  SpeechVoice voice;
  // A prompt, not a document: 500 characters of Chinese is about two minutes of speech.
  std::size_t max_text_chars = 500;
};

class SpeechSynthesizer {
 public:
  // Runs on the synthesis thread: keep it short (post the result to the owner's thread).
  using Callback = std::function<void(Result<AudioClipPtr>)>;

  // Opens espeak-ng and starts the synthesis thread. If espeak-ng cannot be opened every request
  // fails with "tts_unavailable"; cached speech on disk is still served.
  SpeechSynthesizer(SpeechSynthesizerConfig config, PromptCache& memory_cache);
  // Finishes the request being synthesized; queued ones get "tts_stopped". Then joins.
  ~SpeechSynthesizer();
  SpeechSynthesizer(const SpeechSynthesizer&) = delete;
  SpeechSynthesizer& operator=(const SpeechSynthesizer&) = delete;

  // Queues `text`; `done` is called once, on the synthesis thread, with the clip or an error:
  // "tts_empty_text", "tts_text_too_long", "tts_invalid_text" (not UTF-8), "tts_unavailable"
  // (espeak-ng or the voice missing), "tts_failed" (synthesis failed or produced no sound),
  // "tts_stopped" (the synthesizer was destroyed first).
  void synthesize(std::string text, Callback done);
  // Queues and waits. Never call it from a Callback (the synthesis thread would wait on itself).
  Result<AudioClipPtr> synthesize_and_wait(std::string text);

  // The PromptCache key the clip for `text` is (or will be) stored under: "tts:<sha256 hex>".
  std::string prompt_key(std::string_view text) const;
  // How espeak-ng reads `text` (phoneme mnemonics; "(en)" marks English pronunciation).
  // Runs on the calling thread under espeak-ng's lock; for diagnostics and tests.
  Result<std::string> phonemes(std::string_view text);
  // Times espeak-ng actually ran (cache hits do not count).
  std::uint64_t synthesis_count() const { return synthesis_count_.load(); }

 private:
  struct Request {
    std::string text;
    Callback done;
  };

  void run();
  Result<AudioClipPtr> produce(const std::string& text);
  Result<AudioClipPtr> synthesize_now(const std::string& text, const std::string& key);

  const SpeechSynthesizerConfig config_;
  PromptCache& memory_cache_;
  const SpeechDiskCache disk_cache_;
  Result<EspeakEngine*> engine_;  // process-wide, never destroyed
  std::atomic<std::uint64_t> synthesis_count_{0};

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Request> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything it uses exists
};

}  // namespace hotline::media
