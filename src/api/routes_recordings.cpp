// Call recordings: the list, and the audio itself with HTTP range support for the browser's
// <audio> element. Every audio response is audited ("recording.play").
#include <filesystem>
#include <fstream>

#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/json_views_telephony.hpp"
#include "api/validation.hpp"

namespace hotline::api {

namespace {

namespace fs = std::filesystem;

constexpr int kMaxPageSize = 100;

std::optional<EpochMs> time_param(const Request& request, const char* name) {
  const auto text = request.query_param(name);
  if (!text || text->empty()) return std::nullopt;
  const auto parsed = parse_iso8601(*text);
  if (!parsed) fail_validation(std::string(name) + " must be an ISO-8601 date or time");
  return parsed;
}

std::optional<std::string> digits_param(const Request& request, const char* name) {
  auto value = request.query_param(name);
  if (!value || value->empty()) return std::nullopt;
  if (value->size() > 32 || value->find_first_not_of("+0123456789") != std::string::npos)
    fail_validation(std::string(name) + " must be digits");
  return value;
}

Response list_recordings(ApiContext& ctx, Request& request) {
  store::RecordingFilter filter;
  filter.from = time_param(request, "from");
  filter.to = time_param(request, "to");
  filter.number = digits_param(request, "number");
  filter.extension = digits_param(request, "extension");
  const auto page = page_from(request);
  if (page.page_size > kMaxPageSize)
    fail_validation("page_size must be between 1 and " + std::to_string(kMaxPageSize));
  const auto result = value_or_throw(ctx.recordings.query(filter, page));
  const bool full = request.user().has("calls.numbers");
  nlohmann::json items = nlohmann::json::array();
  for (const auto& recording : result.items) items.push_back(to_json_view(recording, full));
  return Response::json({{"items", items},
                         {"total", result.total},
                         {"page", page.page},
                         {"page_size", page.page_size}});
}

// The file of a recording row, which must stay inside the data dir (no absolute paths, no
// "..", no symlink leading out). nullopt when it is not there.
std::optional<fs::path> recording_file(const std::string& data_dir, const std::string& relative) {
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

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

enum class RangeKind { None, Satisfiable, Unsatisfiable };

// One "bytes=a-b", "bytes=a-" or "bytes=-n" range. Anything else (several ranges, other
// units, bad syntax) is ignored and the whole file is sent, as RFC 9110 allows.
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
  if (first_text.empty()) {  // suffix: the last n bytes
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

// The stored type becomes a response header: anything but a plain media type is refused.
std::string safe_mime_type(const std::string& mime_type) {
  constexpr std::string_view kAllowed =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/.+-";
  if (mime_type.empty() || mime_type.size() > 64 ||
      mime_type.find_first_not_of(kAllowed) != std::string::npos ||
      mime_type.find('/') == std::string::npos)
    return "application/octet-stream";
  return mime_type;
}

Response play_recording(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto recording = value_or_throw(ctx.recordings.find(id));
  if (!recording) throw ApiError{404, "not_found", "no such recording"};
  const auto file = recording_file(ctx.config.data_dir, recording->path);
  if (!file) throw ApiError{404, "not_found", "the recording's audio file is missing"};
  std::error_code ec;
  const auto size = static_cast<std::uint64_t>(fs::file_size(*file, ec));
  if (ec) throw ApiError{404, "not_found", "the recording's audio file is missing"};

  ByteRange range{0, size == 0 ? 0 : size - 1};
  const auto range_header = request.header(http::field::range);
  const auto kind = range_header.empty() ? RangeKind::None : parse_range(range_header, size, range);
  if (kind == RangeKind::Unsatisfiable) {
    auto response =
        Response::error(416, "range_not_satisfiable", "the requested range is outside the file");
    response.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
    response.headers.emplace_back("Accept-Ranges", "bytes");
    return response;
  }
  const bool partial = kind == RangeKind::Satisfiable;
  const auto length = size == 0 ? 0 : range.last - range.first + 1;
  auto data = read_bytes(*file, range.first, length);
  if (!data) throw ApiError{404, "not_found", "the recording's audio file cannot be read"};

  nlohmann::json detail = {{"call_id", recording->call_id}, {"bytes", length}};
  if (partial) detail["range"] = range_header;
  ctx.audit.record(request, {"recording.play", "recording", std::to_string(id), true, detail});

  Response response;
  response.status = partial ? 206 : 200;
  response.content_type = safe_mime_type(recording->mime_type);
  response.body = std::move(*data);
  response.headers.emplace_back("Accept-Ranges", "bytes");
  if (partial)
    response.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                       std::to_string(range.last) + "/" +
                                                       std::to_string(size));
  return response;
}

}  // namespace

void register_recording_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::get,
              "/api/v1/recordings",
              Access::permission_required("recordings.read"),
              "recordings",
              "Search call recordings, newest first (numbers masked without calls.numbers)",
              nullptr,
              paged_schema(recording_schema()),
              200,
              {{"from", "string", "ISO-8601, started at or after"},
               {"to", "string", "ISO-8601, started before"},
               {"number", "string", "part of the caller or callee"},
               {"extension", "string", "answered by this extension"},
               {"page", "integer", "1-based"},
               {"page_size", "integer", "at most 100"}}},
             [&ctx](Request& r) { return list_recordings(ctx, r); });
  router.add({http::verb::get, "/api/v1/recordings/{id}/audio",
              Access::permission_required("recordings.read"), "recordings",
              "The recording's audio (single byte ranges supported); every access is audited",
              nullptr, nullptr},
             [&ctx](Request& r) { return play_recording(ctx, r); });
}

}  // namespace hotline::api
