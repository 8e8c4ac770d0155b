#include "media/prompt_import.hpp"

#include <fcntl.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "media/file_digest.hpp"
#include "media/media_constants.hpp"
#include "media/resampler.hpp"

namespace hotline::media {

namespace {

namespace fs = std::filesystem;

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting failure (a close error can mean the data never reached the disk).
  bool close() { return ::close(std::exchange(fd_, -1)) == 0; }

 private:
  int fd_;
};

// Anything at or below -60 dBFS counts as silence (line noise of a muted recording).
constexpr double kSilencePeak = 0.001;
// Quiet uploads are raised so their peak reaches -3 dBFS, by at most +20 dB so a faint
// recording's noise floor is not pushed up to speech level.
constexpr double kTargetPeak = 0.7079457843841379;
constexpr double kMaxGain = 10.0;
constexpr sf_count_t kReadBlockFrames = 4096;

// libsndfile reads an upload held in memory through these callbacks.
struct MemoryUpload {
  std::span<const std::byte> bytes;
  sf_count_t position = 0;
};

sf_count_t upload_length(void* user) {
  return static_cast<sf_count_t>(static_cast<MemoryUpload*>(user)->bytes.size());
}

sf_count_t upload_seek(sf_count_t offset, int whence, void* user) {
  auto* upload = static_cast<MemoryUpload*>(user);
  const auto size = static_cast<sf_count_t>(upload->bytes.size());
  sf_count_t base = 0;
  if (whence == SEEK_CUR) base = upload->position;
  if (whence == SEEK_END) base = size;
  upload->position = std::clamp<sf_count_t>(base + offset, 0, size);
  return upload->position;
}

sf_count_t upload_read(void* destination, sf_count_t count, void* user) {
  auto* upload = static_cast<MemoryUpload*>(user);
  const auto size = static_cast<sf_count_t>(upload->bytes.size());
  const sf_count_t available = std::clamp<sf_count_t>(size - upload->position, 0, size);
  const sf_count_t n = std::min(count, available);
  if (n > 0) std::memcpy(destination, upload->bytes.data() + upload->position, n);
  upload->position += n;
  return n;
}

sf_count_t upload_write(const void*, sf_count_t, void*) {
  return 0;
}

sf_count_t upload_tell(void* user) {
  return static_cast<MemoryUpload*>(user)->position;
}

bool accepted_container(int format) {
  switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX:
    case SF_FORMAT_RF64:
    case SF_FORMAT_AIFF:
    case SF_FORMAT_FLAC:
    case SF_FORMAT_OGG:
    case SF_FORMAT_MPEG:
      return true;
    default:
      return false;
  }
}

std::string container_name(int format) {
  SF_FORMAT_INFO info{};
  info.format = format & SF_FORMAT_TYPEMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof(info)) != 0 || info.name == nullptr)
    return "unknown";
  return info.name;
}

// libsndfile opens a WAV whose data chunk is cut short and quietly plays what is there; its
// header log notes the mismatch as "data : <declared> (should be <actual>)".
bool wav_data_truncated(SNDFILE* file) {
  std::vector<char> log(16 * 1024);
  sf_command(file, SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size()));
  const std::string text(log.data());
  for (std::size_t line_start = 0; line_start < text.size();) {
    const std::size_t line_end = std::min(text.find('\n', line_start), text.size());
    const std::string_view line(text.data() + line_start, line_end - line_start);
    if (line.starts_with("data :") && line.find("(should be") != std::string_view::npos)
      return true;
    line_start = line_end + 1;
  }
  return false;
}

struct MonoAudio {
  std::vector<float> samples;
  double peak = 0;
};

// Decodes and mixes down to mono. Frame counts from the header are checked against what
// decodes, so a cut-off upload is reported rather than imported short.
Result<MonoAudio> decode_mono(SNDFILE* file, const SF_INFO& info,
                              const PromptImportLimits& limits) {
  const auto max_frames =
      static_cast<sf_count_t>(limits.max_duration.count()) * info.samplerate / 1000;
  if (info.frames > max_frames)
    return Error{"prompt_too_long", "the upload is longer than the prompt limit"};
  if (wav_data_truncated(file))
    return Error{"prompt_unreadable", "the upload is truncated (WAV data cut short)"};

  MonoAudio audio;
  if (info.frames > 0) audio.samples.reserve(static_cast<std::size_t>(info.frames));
  const auto channels = static_cast<std::size_t>(info.channels);
  std::vector<float> block(static_cast<std::size_t>(kReadBlockFrames) * channels);
  sf_count_t total = 0;
  for (;;) {
    const sf_count_t read = sf_readf_float(file, block.data(), kReadBlockFrames);
    if (read <= 0) break;
    total += read;
    if (total > max_frames)
      return Error{"prompt_too_long", "the upload is longer than the prompt limit"};
    for (sf_count_t frame = 0; frame < read; ++frame) {
      const float* first = &block[static_cast<std::size_t>(frame) * channels];
      double sum = 0;
      for (std::size_t channel = 0; channel < channels; ++channel) sum += first[channel];
      const double mono = std::clamp(sum / static_cast<double>(channels), -1.0, 1.0);
      audio.peak = std::max(audio.peak, std::abs(mono));
      audio.samples.push_back(static_cast<float>(mono));
    }
  }
  if (sf_error(file) != SF_ERR_NO_ERROR)
    return Error{"prompt_unreadable",
                 std::string("cannot decode the upload: ") + sf_strerror(file)};
  // MP3 frame counts are estimates (Xing header or bitrate), so allow them a little slack.
  const bool mpeg = (info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG;
  const sf_count_t slack =
      mpeg ? std::max<sf_count_t>(info.frames / 100, info.samplerate / 10) : info.samplerate / 100;
  if (info.frames > 0 && total < info.frames - slack)
    return Error{"prompt_unreadable", "the upload is truncated (fewer samples than its header)"};
  return audio;
}

Result<ImportedPrompt> convert(SNDFILE* file, const SF_INFO& info, const fs::path& target,
                               const PromptImportLimits& limits) {
  if (!accepted_container(info.format))
    return Error{"prompt_unsupported",
                 "prompts must be WAV, AIFF, FLAC, Ogg or MP3, not " + container_name(info.format)};
  if (info.samplerate <= 0 || info.channels <= 0)
    return Error{"prompt_unreadable", "the upload has no valid sample rate or channel count"};

  auto decoded = decode_mono(file, info, limits);
  if (!decoded) return decoded.error();
  MonoAudio& audio = *decoded;
  if (audio.samples.empty()) return Error{"prompt_silent", "the upload contains no audio"};
  if (audio.peak <= kSilencePeak) return Error{"prompt_silent", "the upload is silent"};

  const double gain = audio.peak < kTargetPeak ? std::min(kTargetPeak / audio.peak, kMaxGain) : 1.0;
  std::vector<std::int16_t> pcm(audio.samples.size());
  std::transform(audio.samples.begin(), audio.samples.end(), pcm.begin(), [gain](float sample) {
    return static_cast<std::int16_t>(
        std::clamp(std::lround(sample * gain * 32767.0), -32768L, 32767L));
  });
  audio.samples = {};  // release before resampling: uploads can be long
  auto samples =
      info.samplerate == kSampleRate ? std::move(pcm) : resample(pcm, info.samplerate, kSampleRate);

  if (auto written = write_prompt_wav_atomically(target, samples, kSampleRate); !written)
    return written.error();
  auto digest = sha256_file_hex(target.string());
  if (!digest) {
    std::error_code ignored;
    fs::remove(target, ignored);
    return Error{"prompt_write_failed",
                 "cannot hash the written prompt: " + digest.error().message};
  }

  ImportedPrompt imported;
  imported.path = target;
  imported.duration_ms = static_cast<std::int64_t>(samples.size()) * 1000 / kSampleRate;
  imported.sha256 = std::move(*digest);
  imported.gain_db = 20.0 * std::log10(gain);
  imported.source_rate = info.samplerate;
  imported.source_channels = info.channels;
  imported.source_format = container_name(info.format);
  auto clip = std::make_shared<AudioClip>();
  clip->name = target.string();
  clip->samples = std::move(samples);
  imported.clip = std::move(clip);
  return imported;
}

}  // namespace

Result<ImportedPrompt> import_prompt_file(const fs::path& source, const fs::path& target,
                                          const PromptImportLimits& limits) {
  std::error_code error;
  const auto size = fs::file_size(source, error);
  if (error) return Error{"prompt_unreadable", "cannot read the upload: " + error.message()};
  if (size > limits.max_bytes) return Error{"prompt_too_large", "the upload is too large"};
  if (size == 0) return Error{"prompt_silent", "the upload contains no audio"};
  SF_INFO info{};
  SndfilePtr file(sf_open(source.c_str(), SFM_READ, &info));
  if (!file)
    return Error{"prompt_unreadable",
                 std::string("the upload is not readable audio: ") + sf_strerror(nullptr)};
  return convert(file.get(), info, target, limits);
}

Result<ImportedPrompt> import_prompt_bytes(std::span<const std::byte> upload,
                                           const fs::path& target,
                                           const PromptImportLimits& limits) {
  if (upload.size() > limits.max_bytes) return Error{"prompt_too_large", "the upload is too large"};
  if (upload.empty()) return Error{"prompt_silent", "the upload contains no audio"};
  SF_VIRTUAL_IO io{upload_length, upload_seek, upload_read, upload_write, upload_tell};
  MemoryUpload source{upload};
  SF_INFO info{};
  SndfilePtr file(sf_open_virtual(&io, SFM_READ, &info, &source));
  if (!file)
    return Error{"prompt_unreadable",
                 std::string("the upload is not readable audio: ") + sf_strerror(nullptr)};
  return convert(file.get(), info, target, limits);
}

Status write_prompt_wav_atomically(const fs::path& target, std::span<const std::int16_t> samples,
                                   int sample_rate) {
  std::error_code error;
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  fs::create_directories(directory, error);
  if (error) return Error{"prompt_write_failed", "cannot create " + directory.string()};

  std::string temp_name = target.string() + ".tmp-XXXXXX";
  FileDescriptor fd(::mkstemp(temp_name.data()));
  if (fd.get() < 0) return Error{"prompt_write_failed", "cannot create a file next to the target"};
  const fs::path temp(temp_name);
  auto fail = [&](std::string message) -> Status {
    fs::remove(temp, error);
    return Error{"prompt_write_failed", std::move(message)};
  };
  ::fchmod(fd.get(), 0644);  // mkstemp makes it owner-only; prompts are read by other tools

  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  {
    SndfilePtr file(sf_open_fd(fd.get(), SFM_WRITE, &info, SF_FALSE));
    if (!file) return fail(std::string("cannot write WAV: ") + sf_strerror(nullptr));
    const auto count = static_cast<sf_count_t>(samples.size());
    if (sf_write_short(file.get(), samples.data(), count) != count)
      return fail(std::string("cannot write WAV: ") + sf_strerror(file.get()));
  }  // sf_close writes the final header
  if (::fsync(fd.get()) != 0 || !fd.close()) return fail("cannot flush the prompt to disk");
  fs::rename(temp, target, error);
  if (error) return fail("cannot move the prompt into place: " + error.message());
  return ok_status();
}

}  // namespace hotline::media
