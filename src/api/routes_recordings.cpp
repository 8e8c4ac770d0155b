// Call recordings: the list, and the audio itself with HTTP range support for the browser's
// <audio> element. Every audio response is audited ("recording.play").
#include "api/api_context.hpp"
#include "api/audio_response.hpp"
#include "api/http/router.hpp"
#include "api/json_views_telephony.hpp"
#include "api/validation.hpp"

namespace hotline::api {

namespace {

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
  // The row's path must stay inside the data dir (no absolute paths, "..", or links out).
  const auto file = data_dir_file(ctx.config.data_dir, recording->path);
  if (!file) throw ApiError{404, "not_found", "the recording's audio file is missing"};
  auto answer = audio_file_response(request, *file, safe_mime_type(recording->mime_type));
  if (answer.served) {
    nlohmann::json detail = {{"call_id", recording->call_id}, {"bytes", answer.bytes}};
    if (!answer.range.empty()) detail["range"] = answer.range;
    ctx.audit.record(request, {"recording.play", "recording", std::to_string(id), true, detail});
  }
  return std::move(answer.response);
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
