// Voice messages callers leave in the IVR: the list agents work from, the call-back status and
// the audio (single byte ranges for the browser; every play is audited, as for recordings).
// Callers' numbers are personal data: masked unless the user holds calls.numbers.
#include "api/api_context.hpp"
#include "api/audio_response.hpp"
#include "api/http/router.hpp"
#include "api/json_views_ivr.hpp"
#include "api/routes_ivr_support.hpp"
#include "api/validation.hpp"
#include "store/voice_message_repository.hpp"

namespace hotline::api {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxNote = 500;

bool is_status(const std::string& status) {
  return status == "new" || status == "in_progress" || status == "done";
}

store::VoiceMessage message_or_404(store::VoiceMessageRepository& messages, store::Id id) {
  auto found = value_or_throw(messages.find(id));
  if (!found) throw ApiError{404, "not_found", "no such message"};
  return *found;
}

bool full_numbers(const Request& request) {
  return request.user().has("calls.numbers");
}

Response list_messages(ApiContext& ctx, Request& request) {
  store::VoiceMessageFilter filter;
  if (auto status = request.query_param("status"); status && !status->empty()) {
    if (!is_status(*status)) fail_validation("status must be new, in_progress or done");
    filter.status = *status;
  }
  filter.from = time_query(request, "from");
  filter.to = time_query(request, "to");
  const auto page = page_query(request);
  store::VoiceMessageRepository messages(ctx.db);
  const auto result = value_or_throw(messages.query(filter, page));
  const bool full = full_numbers(request);
  json items = json::array();
  for (const auto& message : result.items) items.push_back(to_json_view(message, full));
  return Response::json({{"items", items},
                         {"total", result.total},
                         {"page", page.page},
                         {"page_size", page.page_size}});
}

Response get_message(ApiContext& ctx, Request& request) {
  store::VoiceMessageRepository messages(ctx.db);
  return Response::json(
      to_json_view(message_or_404(messages, request.id_param("id")), full_numbers(request)));
}

Response update_message(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  reject_unknown_fields(body, {"status", "note"});
  const auto status = required_string(body, "status", 1, 16);
  if (!is_status(status)) fail_validation("status must be new, in_progress or done");
  store::VoiceMessageRepository messages(ctx.db);
  const auto before = message_or_404(messages, id);
  const auto note = optional_string(body, "note", 0, kMaxNote).value_or(before.note);
  check(messages.update_status(id, status, request.user().user_id, note));
  const auto after = message_or_404(messages, id);
  ctx.audit.record(request, {"voice_message.update",
                             "voice_message",
                             std::to_string(id),
                             true,
                             {{"call_id", after.call_id},
                              {"status_before", before.status},
                              {"status", after.status},
                              {"note", after.note}}});
  ctx.events.publish({"messages.changed", {{"id", id}, {"status", after.status}}, "messages.read"});
  return Response::json(to_json_view(after, full_numbers(request)));
}

Response play_message(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  store::VoiceMessageRepository messages(ctx.db);
  const auto message = message_or_404(messages, id);
  const auto file = data_dir_file(ctx.config.data_dir, message.file);
  if (!file) throw ApiError{404, "not_found", "the message's audio file is missing"};
  // Messages are compressed like call recordings ([calls] recording_format).
  auto answer = audio_file_response(request, *file, audio_mime_type(*file));
  if (answer.served) {
    json detail = {{"call_id", message.call_id}, {"bytes", answer.bytes}};
    if (!answer.range.empty()) detail["range"] = answer.range;
    ctx.audit.record(request,
                     {"voice_message.play", "voice_message", std::to_string(id), true, detail});
  }
  return std::move(answer.response);
}

}  // namespace

void register_message_routes(Router& router, ApiContext& ctx) {
  const json update_input = {
      {"type", "object"},
      {"required", {"status"}},
      {"properties",
       {{"status", {{"type", "string"}, {"enum", {"new", "in_progress", "done"}}}},
        {"note", {{"type", "string"}, {"maxLength", kMaxNote}}}}}};
  const json page = {{"type", "object"},
                     {"properties",
                      {{"items", {{"type", "array"}, {"items", voice_message_schema()}}},
                       {"total", {{"type", "integer"}}},
                       {"page", {{"type", "integer"}}},
                       {"page_size", {{"type", "integer"}}}}}};
  router.add({http::verb::get,
              "/api/v1/messages",
              Access::permission_required("messages.read"),
              "messages",
              "Voice messages, newest first (callers masked without calls.numbers)",
              nullptr,
              page,
              200,
              {{"status", "string", "new, in_progress or done"},
               {"from", "string", "ISO 8601, left at or after"},
               {"to", "string", "ISO 8601, left before"},
               {"page", "integer", "1-based"},
               {"page_size", "integer", "at most 100"}}},
             [&ctx](Request& r) { return list_messages(ctx, r); });
  router.add(
      {http::verb::get, "/api/v1/messages/{id}", Access::permission_required("messages.read"),
       "messages", "One voice message", nullptr, voice_message_schema()},
      [&ctx](Request& r) { return get_message(ctx, r); });
  router.add(
      {http::verb::put, "/api/v1/messages/{id}", Access::permission_required("messages.handle"),
       "messages", "Take, finish or reopen a message (handled_by becomes the user)", update_input,
       voice_message_schema()},
      [&ctx](Request& r) { return update_message(ctx, r); });
  router.add(
      {http::verb::get, "/api/v1/messages/{id}/audio", Access::permission_required("messages.read"),
       "messages", "The message's audio (single byte ranges); every access is audited", nullptr,
       nullptr},
      [&ctx](Request& r) { return play_message(ctx, r); });
}

}  // namespace hotline::api
