#pragma once
// Turns an uploaded audio file into an engine-format prompt: decodes whatever Debian 12's
// libsndfile reads (WAV PCM/float/A-law/u-law/ADPCM, AIFF, FLAC, Ogg Vorbis/Opus, MP3), mixes
// down to mono, raises quiet recordings, resamples to 8 kHz and writes a 16-bit PCM WAV. The
// target file appears complete (temp file + fsync + rename) or not at all. File I/O and
// decoding: run it off the control thread and the media workers.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "common/result.hpp"
#include "media/audio_clip.hpp"

namespace hotline::media {

struct PromptImportLimits {
  std::size_t max_bytes = 50 * 1024 * 1024;  // a 10-minute 44.1 kHz stereo WAV is ~100 MB
  std::chrono::milliseconds max_duration = std::chrono::minutes(10);
};

struct ImportedPrompt {
  std::filesystem::path path;  // the written prompt
  std::int64_t duration_ms = 0;
  std::string sha256;  // of the written file, lowercase hex
  double gain_db = 0;  // applied by normalisation (0 when the upload was loud enough)
  int source_rate = 0;
  int source_channels = 0;
  std::string source_format;  // libsndfile's name for the container, e.g. "WAV (Microsoft)"
  AudioClipPtr clip;          // the converted audio, named after `path`
};

// Errors: "prompt_too_large" (more than max_bytes), "prompt_unreadable" (not audio, corrupt or
// truncated), "prompt_unsupported" (a format libsndfile reads but prompts do not accept),
// "prompt_silent" (no audio, or nothing above -60 dBFS), "prompt_too_long" (more than
// max_duration), "prompt_write_failed" (the target could not be written). On error the target
// path is left untouched.
Result<ImportedPrompt> import_prompt_file(const std::filesystem::path& source,
                                          const std::filesystem::path& target,
                                          const PromptImportLimits& limits = {});
Result<ImportedPrompt> import_prompt_bytes(std::span<const std::byte> upload,
                                           const std::filesystem::path& target,
                                           const PromptImportLimits& limits = {});

// Writes 16-bit mono PCM WAV at `sample_rate` atomically: a temporary file next to `target`,
// flushed to disk, then renamed over it. Error "prompt_write_failed".
Status write_prompt_wav_atomically(const std::filesystem::path& target,
                                   std::span<const std::int16_t> samples, int sample_rate);

}  // namespace hotline::media
