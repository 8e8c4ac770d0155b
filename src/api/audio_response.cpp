#include "api/audio_response.hpp"

#include <fstream>

namespace hotline::api {

namespace fs = std::filesystem;

namespace {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

enum class RangeKind { None, Satisfiable, Unsatisfiable };

// One "bytes=a-b", "bytes=a-" or "bytes=-n" range. Anything else (several ranges, other units,
// bad syntax) is ignored and the whole file is sent, as RFC 9110 allows.
RangeKind parse_range(const std::string& header, std::uint64_t size, ByteRange& range) {
  constexpr std::string_view kUnit = "bytes=";
  if (header.compare(0, kUnit.size(), kUnit) != 0) return RangeKind::None;
  const auto spec = header.substr(kUnit.size());
  const auto dash = spec.find('-');
  if (dash == std::string::npos || spec.find(',') != std::string::npos) return RangeKind::None;
  const auto first_text = spec.substr(0, dash), last_text = spec.substr(dash + 1);
  auto number = [](const std::string& text) -> std::optional<std::uint64_t> {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != text.npos)
      return std::nullopt;
    return std::stoull(text);
  };
  if (first_text.empty()) {
    const auto suffix = number(last_text);
    if (!suffix) return RangeKind::None;
    if (*suffix == 0 || size == 0) return RangeKind::Unsatisfiable;
    range.first = *suffix >= size ? 0 : size - *suffix;
    range.last = size - 1;
    return RangeKind::Satisfiable;
  }
  const auto first = number(first_text);
  if (!first) return RangeKind::None;
  std::optional<std::uint64_t> last;
  if (!last_text.empty()) {
    last = number(last_text);
    if (!last || *last < *first) return RangeKind::None;
  }
  if (*first >= size) return RangeKind::Unsatisfiable;
  range.first = *first;
  range.last = last && *last < size ? *last : size - 1;
  return RangeKind::Satisfiable;
}

std::optional<std::string> read_bytes(const fs::path& file, std::uint64_t offset,
                                      std::uint64_t length) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  in.seekg(static_cast<std::streamoff>(offset));
  std::string data(length, '\0');
  in.read(data.data(), static_cast<std::streamsize>(length));
  if (static_cast<std::uint64_t>(in.gcount()) != length) return std::nullopt;
  return data;
}

}  // namespace

std::optional<fs::path> data_dir_file(const std::string& data_dir, const std::string& relative) {
  const fs::path path(relative);
  if (relative.empty() || path.is_absolute()) return std::nullopt;
  const auto normal = path.lexically_normal();
  if (normal.empty() || *normal.begin() == "..") return std::nullopt;
  std::error_code ec;
  const auto root = fs::canonical(data_dir, ec);
  if (ec) return std::nullopt;
  const auto file = fs::canonical(root / normal, ec);
  if (ec || !fs::is_regular_file(file, ec)) return std::nullopt;
  const auto inside = file.lexically_relative(root);
  if (inside.empty() || *inside.begin() == "..") return std::nullopt;
  return file;
}

AudioFileAnswer audio_file_response(const Request& request, const fs::path& file,
                                    const std::string& content_type) {
  AudioFileAnswer answer;
  std::error_code ec;
  const auto size = static_cast<std::uint64_t>(fs::file_size(file, ec));
  if (ec) {
    answer.response = Response::error(404, "not_found", "the audio file is missing");
    return answer;
  }
  ByteRange range{0, size == 0 ? 0 : size - 1};
  const auto range_header = request.header(http::field::range);
  const auto kind = range_header.empty() ? RangeKind::None : parse_range(range_header, size, range);
  if (kind == RangeKind::Unsatisfiable) {
    answer.response =
        Response::error(416, "range_not_satisfiable", "the requested range is outside the file");
    answer.response.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
    answer.response.headers.emplace_back("Accept-Ranges", "bytes");
    return answer;
  }
  const bool partial = kind == RangeKind::Satisfiable;
  const auto length = size == 0 ? 0 : range.last - range.first + 1;
  auto data = read_bytes(file, range.first, length);
  if (!data) {
    answer.response = Response::error(404, "not_found", "the audio file cannot be read");
    return answer;
  }
  answer.served = true;
  answer.bytes = length;
  if (partial) answer.range = range_header;
  auto& response = answer.response;
  response.status = partial ? 206 : 200;
  response.content_type = content_type;
  response.body = std::move(*data);
  response.headers.emplace_back("Accept-Ranges", "bytes");
  if (partial)
    response.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                       std::to_string(range.last) + "/" +
                                                       std::to_string(size));
  return answer;
}

Response wav_response(std::string bytes) {
  Response response;
  response.content_type = "audio/wav";
  response.body = std::move(bytes);
  return response;
}

std::string audio_mime_type(const fs::path& file) {
  const auto extension = file.extension().string();
  if (extension == ".mp3") return "audio/mpeg";
  if (extension == ".wav") return "audio/wav";
  if (extension == ".ogg" || extension == ".opus") return "audio/ogg";
  return "application/octet-stream";
}

}  // namespace hotline::api
