#include "media/speech_cache.hpp"

#include <sodium.h>

#include <array>

#include "media/media_constants.hpp"
#include "media/prompt_cache.hpp"
#include "media/prompt_import.hpp"

namespace hotline::media {

namespace {
// Bump when synthesis or conversion changes in a way that changes the audio.
constexpr std::string_view kFormatVersion = "hotline-tts-1";
}  // namespace

std::string speech_cache_key(const SpeechVoice& voice, std::string_view text) {
  // Fields separated by NUL, which cannot occur in any of them.
  std::string material(kFormatVersion);
  for (const std::string& field : {voice.name, std::to_string(voice.rate_wpm),
                                   std::to_string(voice.pitch), std::to_string(voice.volume)}) {
    material += '\0';
    material += field;
  }
  material += '\0';
  material += text;
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(material.data()),
                     material.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return hex.data();
}

SpeechDiskCache::SpeechDiskCache(std::filesystem::path directory)
    : directory_(std::move(directory)) {}

std::filesystem::path SpeechDiskCache::path_for(const std::string& key) const {
  return directory_ / (key + ".wav");
}

Result<AudioClipPtr> SpeechDiskCache::load(const std::string& key) const {
  const auto path = path_for(key);
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    return Error{"not_found", "no cached speech for this text"};
  return load_wav_prompt(path.string());
}

Status SpeechDiskCache::store(const std::string& key, const AudioClip& clip) const {
  return write_prompt_wav_atomically(path_for(key), clip.samples, kSampleRate);
}

}  // namespace hotline::media
