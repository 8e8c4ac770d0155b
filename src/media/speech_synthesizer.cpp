#include "media/speech_synthesizer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "media/media_constants.hpp"
#include "media/resampler.hpp"
#include "media/speech_text.hpp"

namespace hotline::media {

namespace {

constexpr std::string_view kKeyPrefix = "tts:";
// Guards against a runaway synthesis; far above what max_text_chars of text can produce.
constexpr std::size_t kMaxSpeechSeconds = 10 * 60;

AudioClipPtr named_clip(std::string name, std::vector<std::int16_t> samples) {
  auto clip = std::make_shared<AudioClip>();
  clip->name = std::move(name);
  clip->samples = std::move(samples);
  return clip;
}

}  // namespace

SpeechSynthesizer::SpeechSynthesizer(SpeechSynthesizerConfig config, PromptCache& memory_cache)
    : config_(std::move(config)),
      memory_cache_(memory_cache),
      disk_cache_(config_.cache_dir),
      engine_(EspeakEngine::open(config_.espeak_data_path)),
      thread_([this] { run(); }) {}

SpeechSynthesizer::~SpeechSynthesizer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SpeechSynthesizer::synthesize(std::string text, Callback done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Request{std::move(text), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(Error{"tts_stopped", "the speech synthesizer is shutting down"});
}

Result<AudioClipPtr> SpeechSynthesizer::synthesize_and_wait(std::string text) {
  auto promise = std::make_shared<std::promise<Result<AudioClipPtr>>>();
  auto future = promise->get_future();
  synthesize(std::move(text),
             [promise](Result<AudioClipPtr> result) { promise->set_value(std::move(result)); });
  return future.get();
}

std::string SpeechSynthesizer::prompt_key(std::string_view text) const {
  auto prepared = prepare_speech_text(text, config_.max_text_chars);
  return std::string(kKeyPrefix) +
         speech_cache_key(config_.voice, prepared ? std::string_view(*prepared) : text);
}

Result<std::string> SpeechSynthesizer::phonemes(std::string_view text) {
  if (!engine_) return engine_.error();
  auto prepared = prepare_speech_text(text, config_.max_text_chars);
  if (!prepared) return prepared.error();
  return (*engine_)->phonemes(config_.voice, *prepared);
}

void SpeechSynthesizer::run() {
  for (;;) {
    Request request;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      request = std::move(queue_.front());
      queue_.pop_front();
    }
    request.done(produce(request.text));
  }
  std::deque<Request> abandoned;
  {
    std::lock_guard lock(mutex_);
    abandoned.swap(queue_);
  }
  for (auto& request : abandoned)
    request.done(Error{"tts_stopped", "the speech synthesizer is shutting down"});
}

Result<AudioClipPtr> SpeechSynthesizer::produce(const std::string& text) {
  auto prepared = prepare_speech_text(text, config_.max_text_chars);
  if (!prepared) return prepared.error();
  const std::string hash = speech_cache_key(config_.voice, *prepared);
  const std::string key = std::string(kKeyPrefix) + hash;

  // PromptCache::get falls back to opening `key` as a file, which cannot exist: a miss.
  if (auto cached = memory_cache_.get(key)) return *cached;
  if (auto stored = disk_cache_.load(hash)) {
    auto clip = named_clip(key, (*stored)->samples);
    memory_cache_.put(key, clip);
    return clip;
  }
  auto clip = synthesize_now(*prepared, key);
  if (!clip) return clip;
  // The disk copy only saves work after a restart: failing to write it is not the caller's
  // problem, but worth a warning (full disk, wrong permissions). The text may be personal data.
  if (auto stored = disk_cache_.store(hash, **clip); !stored)
    spdlog::warn("tts cache: cannot store {}: {}", hash, stored.error().message);
  memory_cache_.put(key, *clip);
  return clip;
}

Result<AudioClipPtr> SpeechSynthesizer::synthesize_now(const std::string& text,
                                                       const std::string& key) {
  if (!engine_) return engine_.error();
  EspeakEngine& engine = **engine_;
  ++synthesis_count_;
  auto speech = engine.synthesize(
      config_.voice, text, kMaxSpeechSeconds * static_cast<std::size_t>(engine.sample_rate()));
  if (!speech) return speech.error();
  const bool silent = std::all_of(speech->samples.begin(), speech->samples.end(),
                                  [](std::int16_t sample) { return sample == 0; });
  if (silent) return Error{"tts_failed", "espeak-ng produced no sound for this text"};
  return named_clip(key, resample(speech->samples, speech->sample_rate, kSampleRate));
}

}  // namespace hotline::media
