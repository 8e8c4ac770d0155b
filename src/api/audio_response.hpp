#pragma once
// Audio answers: files under the data dir (recordings, voice messages, prompts) served whole or
// as one byte range, as browsers' <audio> element asks, and WAV bytes made in memory.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "api/http/http_types.hpp"

namespace hotline::api {

// The file a stored relative path names, when it stays inside the data dir (no absolute path,
// no "..", no symlink out) and exists.
std::optional<std::filesystem::path> data_dir_file(const std::string& data_dir,
                                                   const std::string& relative);

struct AudioFileAnswer {
  Response response;
  bool served = false;  // false: an error answer (range not satisfiable, unreadable)
  std::uint64_t bytes = 0;
  std::string range;  // the Range header honoured, "" for the whole file
};
// The file as `content_type`, honouring one "bytes=" range (206) as browsers' <audio> sends.
AudioFileAnswer audio_file_response(const Request& request, const std::filesystem::path& file,
                                    const std::string& content_type);
// The media type of an audio file by its extension (.mp3, .wav, .ogg/.opus), for the files the
// daemon writes; application/octet-stream otherwise.
std::string audio_mime_type(const std::filesystem::path& file);
// WAV bytes made in memory.
Response wav_response(std::string bytes);

}  // namespace hotline::api
