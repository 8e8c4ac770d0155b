#include "media/audio_compressor.hpp"

#include <sndfile.h>

#include <filesystem>
#include <memory>
#include <vector>

namespace hotline::media {

namespace {

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

int format_flags(RecordingFormat format) {
  switch (format) {
    case RecordingFormat::mp3:
      return SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
    case RecordingFormat::opus:
      return SF_FORMAT_OGG | SF_FORMAT_OPUS;
    case RecordingFormat::wav:
      break;
  }
  return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
}

}  // namespace

std::string compressed_path_for(const std::string& wav_path, RecordingFormat format) {
  std::filesystem::path path(wav_path);
  switch (format) {
    case RecordingFormat::mp3:
      path.replace_extension(".mp3");
      break;
    case RecordingFormat::opus:
      path.replace_extension(".opus");
      break;
    case RecordingFormat::wav:
      break;
  }
  return path.string();
}

Result<CompressedAudio> compress_wav(const std::string& wav_path, RecordingFormat format) {
  SF_INFO in_info{};
  SndfilePtr in(sf_open(wav_path.c_str(), SFM_READ, &in_info));
  if (!in) return Error{"recording_unreadable", "cannot open the WAV recording"};
  CompressedAudio result;
  result.path = compressed_path_for(wav_path, format);
  if (format == RecordingFormat::wav) {
    result.frames = in_info.frames;
    return result;
  }
  SF_INFO out_info{};
  out_info.samplerate = in_info.samplerate;
  out_info.channels = in_info.channels;
  out_info.format = format_flags(format);
  SndfilePtr out(sf_open(result.path.c_str(), SFM_WRITE, &out_info));
  if (!out) return Error{"compression_failed", sf_strerror(nullptr)};
  // Speech archive: favour size. 0 = best quality, 1 = smallest.
  double compression = 0.7;
  sf_command(out.get(), SFC_SET_COMPRESSION_LEVEL, &compression, sizeof(compression));

  std::vector<short> buffer(4096 * static_cast<std::size_t>(in_info.channels));
  const sf_count_t chunk = 4096;
  for (;;) {
    const sf_count_t read = sf_readf_short(in.get(), buffer.data(), chunk);
    if (read <= 0) break;
    if (sf_writef_short(out.get(), buffer.data(), read) != read)
      return Error{"compression_failed", sf_strerror(out.get())};
    result.frames += read;
  }
  out.reset();  // flush and close before anyone reads it
  return result;
}

}  // namespace hotline::media
