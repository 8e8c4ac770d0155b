#include "media/prompt_cache.hpp"

#include <sndfile.h>

#include <memory>

#include "media/media_constants.hpp"
#include "media/resampler.hpp"

namespace hotline::media {

namespace {

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};

// Prompts longer than this are almost certainly a mistake (a whole recording as a prompt).
constexpr sf_count_t kMaxPromptSeconds = 30 * 60;

}  // namespace

Result<AudioClipPtr> load_wav_prompt(const std::string& path) {
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file) return Error{"prompt_unreadable", "cannot open prompt file"};
  if (info.channels != 1) return Error{"prompt_format", "prompts must be mono"};
  if (info.samplerate <= 0 || info.frames <= 0) return Error{"prompt_format", "empty prompt"};
  if (info.frames > kMaxPromptSeconds * info.samplerate)
    return Error{"prompt_format", "prompt too long"};
  std::vector<std::int16_t> samples(static_cast<std::size_t>(info.frames));
  const sf_count_t read = sf_readf_short(file.get(), samples.data(), info.frames);
  if (read <= 0) return Error{"prompt_unreadable", "cannot decode prompt file"};
  samples.resize(static_cast<std::size_t>(read));
  auto clip = std::make_shared<AudioClip>();
  clip->name = path;
  clip->samples = info.samplerate == kSampleRate ? std::move(samples)
                                                 : resample(samples, info.samplerate, kSampleRate);
  return AudioClipPtr(std::move(clip));
}

Result<AudioClipPtr> PromptCache::get(const std::string& path) {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = clips_.find(path); it != clips_.end()) return it->second;
  }
  auto loaded = load_wav_prompt(path);  // outside the lock: file I/O
  if (!loaded) return loaded;
  std::lock_guard lock(mutex_);
  const auto [it, inserted] = clips_.emplace(path, *loaded);
  return it->second;
}

void PromptCache::put(const std::string& key, AudioClipPtr clip) {
  std::lock_guard lock(mutex_);
  clips_[key] = std::move(clip);
}

void PromptCache::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  clips_.erase(key);
}

std::size_t PromptCache::size() const {
  std::lock_guard lock(mutex_);
  return clips_.size();
}

}  // namespace hotline::media
