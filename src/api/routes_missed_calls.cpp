// 漏话: callers the hotline did not serve (abandoned in a queue or while an agent's phone rang,
// unanswered callbacks, messages), the list agents call back from, with a follow-up status.
// Numbers are masked unless the user holds calls.numbers.
#include "api/acd_errors.hpp"
#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/validation.hpp"
#include "common/masking.hpp"
#include "store/missed_call_repository.hpp"

namespace hotline::api {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxNote = 500;

bool is_status(const std::string& status) {
  return status == "open" || status == "in_progress" || status == "called_back" ||
         status == "closed";
}

json missed_json(const store::MissedCall& missed, bool full_numbers) {
  return {
      {"id", missed.id},
      {"call_uuid", missed.call_uuid},
      {"number", full_numbers ? missed.number : mask_phone_number(missed.number)},
      {"lost_in", missed.lost_in},
      {"queue", missed.queue},
      {"wait_seconds", missed.wait_ms / 1000},
      {"occurred_at", format_iso8601(missed.occurred_at)},
      {"status", missed.status},
      {"handled_by", missed.handled_by ? json(*missed.handled_by) : json(nullptr)},
      {"handled_at", missed.handled_at ? json(format_iso8601(*missed.handled_at)) : json(nullptr)},
      {"note", missed.note}};
}

std::optional<EpochMs> time_param(const Request& request, const char* name) {
  const auto text = request.query_param(name);
  if (!text || text->empty()) return std::nullopt;
  const auto parsed = parse_iso8601(*text);
  if (!parsed) fail_validation(std::string(name) + ": an ISO 8601 time");
  return parsed;
}

store::MissedCall missed_or_404(ApiContext& ctx, store::Id id) {
  auto found = value_or_throw(store::MissedCallRepository(ctx.db).find(id));
  if (!found) throw ApiError{404, "not_found", "no such missed call"};
  return *found;
}

Response list_missed(ApiContext& ctx, Request& request) {
  store::MissedCallFilter filter;
  if (auto status = request.query_param("status"); status && !status->empty()) {
    if (!is_status(*status))
      fail_validation("status must be open, in_progress, called_back or closed");
    filter.status = *status;
  }
  filter.from = time_param(request, "from");
  filter.to = time_param(request, "to");
  const auto page = page_from(request);
  const auto result = value_or_throw(store::MissedCallRepository(ctx.db).query(filter, page));
  const bool full = request.user().has("calls.numbers");
  json items = json::array();
  for (const auto& missed : result.items) items.push_back(missed_json(missed, full));
  return Response::json({{"items", items},
                         {"total", result.total},
                         {"page", page.page},
                         {"page_size", page.page_size}});
}

Response update_missed(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  reject_unknown_fields(body, {"status", "note"});
  const auto status = required_string(body, "status", 1, 16);
  if (!is_status(status))
    fail_validation("status must be open, in_progress, called_back or closed");
  const auto before = missed_or_404(ctx, id);
  const auto note = optional_string(body, "note", 0, kMaxNote).value_or(before.note);
  check(
      store::MissedCallRepository(ctx.db).update_status(id, status, request.user().user_id, note));
  const auto after = missed_or_404(ctx, id);
  ctx.audit.record(request,
                   {"missed_call.update",
                    "missed_call",
                    std::to_string(id),
                    true,
                    {{"status_before", before.status}, {"status", status}, {"note", note}}});
  ctx.events.publish({"missed.changed", {{"id", id}, {"status", status}}, "missed.read"});
  return Response::json(missed_json(after, request.user().has("calls.numbers")));
}

// The agent calls the citizen back from their own phone (click-to-dial); the missed call is
// in progress, and called back once the citizen answers.
Response call_back(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  auto missed = missed_or_404(ctx, id);
  if (missed.number.empty()) throw ApiError{409, "invalid_state", "the caller's number is unknown"};
  if (!ctx.acd) throw ApiError{503, "unavailable", "the ACD is not running"};
  const auto uuid = acd_value(ctx.acd->dial(request.user().user_id, missed.number, id));
  ctx.audit.record(
      request,
      {"missed_call.callback", "missed_call", std::to_string(id), true, {{"call_uuid", uuid}}});
  missed.status = "in_progress";  // written by the ACD, in order with the call's outcome
  missed.handled_by = request.user().user_id;
  auto body = missed_json(missed, request.user().has("calls.numbers"));
  body["callback_call"] = uuid;
  return Response::json(body);
}

}  // namespace

void register_missed_call_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::get,
              "/api/v1/missed-calls",
              Access::permission_required("missed.read"),
              "agents",
              "Missed calls, newest first (numbers masked without calls.numbers)",
              nullptr,
              nullptr,
              200,
              {{"status", "string", "open, in_progress, called_back or closed"},
               {"from", "string", "ISO 8601, at or after"},
               {"to", "string", "ISO 8601, before"},
               {"page", "integer", "1-based"},
               {"page_size", "integer", "at most 200"}}},
             [&ctx](Request& r) { return list_missed(ctx, r); });
  router.add(
      {http::verb::get, "/api/v1/missed-calls/{id}", Access::permission_required("missed.read"),
       "agents", "One missed call", nullptr, nullptr},
      [&ctx](Request& r) {
        return Response::json(
            missed_json(missed_or_404(ctx, r.id_param("id")), r.user().has("calls.numbers")));
      });
  router.add(
      {http::verb::put, "/api/v1/missed-calls/{id}", Access::permission_required("missed.handle"),
       "agents", "Follow a missed call up: status and note (handled_by becomes the user)", nullptr,
       nullptr},
      [&ctx](Request& r) { return update_missed(ctx, r); });
  router.add({http::verb::post, "/api/v1/missed-calls/{id}/callback",
              Access::permission_required("missed.handle"), "agents",
              "Call the number back from the agent's own phone (the phone rings first; "
              "agent.work)",
              nullptr, nullptr},
             [&ctx](Request& r) {
               if (!r.user().has("agent.work"))
                 throw ApiError{403, "forbidden", "agent.work is required"};
               return call_back(ctx, r);
             });
}

}  // namespace hotline::api
