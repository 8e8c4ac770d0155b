// Call records (CDRs) with their legs and events. Phone numbers are personal data: they are
// masked unless the caller holds calls.numbers; filtering by number still uses the real ones.
#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/json_views_ivr.hpp"
#include "api/json_views_telephony.hpp"
#include "api/validation.hpp"
#include "store/call_ivr_repository.hpp"

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

std::optional<std::string> text_param(const Request& request, const char* name,
                                      std::string_view charset = {}) {
  auto value = request.query_param(name);
  if (!value || value->empty()) return std::nullopt;
  if (value->size() > 32) fail_validation(std::string(name) + " is too long");
  if (!charset.empty() && value->find_first_not_of(charset) != std::string::npos)
    fail_validation(std::string(name) + " has characters it cannot contain");
  return value;
}

store::Page call_page(const Request& request) {
  const auto page = page_from(request);
  if (page.page_size > kMaxPageSize)
    fail_validation("page_size must be between 1 and " + std::to_string(kMaxPageSize));
  return page;
}

Response list_calls(ApiContext& ctx, Request& request) {
  store::CallFilter filter;
  filter.from = time_param(request, "from");
  filter.to = time_param(request, "to");
  filter.number = text_param(request, "number", "+0123456789");
  filter.extension = text_param(request, "extension", "0123456789");
  filter.disposition = text_param(request, "disposition", "abcdefghijklmnopqrstuvwxyz_");
  filter.direction = text_param(request, "direction");
  if (filter.direction && *filter.direction != "inbound" && *filter.direction != "internal" &&
      *filter.direction != "outbound")
    fail_validation("direction must be inbound, internal or outbound");
  const auto page = call_page(request);
  const auto result = value_or_throw(ctx.calls.query(filter, page));
  const bool full = request.user().has("calls.numbers");
  nlohmann::json items = nlohmann::json::array();
  for (const auto& call : result.items) items.push_back(to_json_view(call, full));
  return Response::json({{"items", items},
                         {"total", result.total},
                         {"page", page.page},
                         {"page_size", page.page_size}});
}

nlohmann::json call_detail_with_ivr_schema() {
  auto schema = call_detail_schema();
  auto ivr = call_ivr_schema();
  ivr["type"] = {"object", "null"};
  schema["properties"]["ivr"] = ivr;
  return schema;
}

Response get_call(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto call = value_or_throw(ctx.calls.find(id));
  if (!call) throw ApiError{404, "not_found", "no such call"};
  const auto events = value_or_throw(ctx.calls.events(id));
  auto view = call_detail_view(*call, events, request.user().has("calls.numbers"));
  // The IVR part, when the call went through a flow (never the sealed ID number).
  const auto ivr = value_or_throw(store::CallIvrRepository(ctx.db).find(id));
  view["ivr"] = ivr ? to_json_view(*ivr) : nlohmann::json(nullptr);
  return Response::json(view);
}

// Call control on a live call (CTI will add per-agent rules on top of the permission).
Response act_on_call(ApiContext& ctx, Request& request) {
  const auto uuid = request.path_params.at("uuid");
  const auto body = request.json_body();
  reject_unknown_fields(body, {"action", "target"});
  call::CallAction action;
  action.uuid = uuid;
  action.action = required_string(body, "action", 1, 32);
  action.target = optional_string(body, "target", 1, 32).value_or("");
  if (!action.target.empty() && !matches_charset(action.target, "+0123456789*#", 1, 32))
    fail_validation("target must be a number or extension");
  if (ctx.call_service == nullptr) throw ApiError{503, "unavailable", "calls are not running"};
  const auto done = ctx.call_service->perform(action);
  nlohmann::json detail = {{"action", action.action}, {"target", action.target}};
  ctx.audit.record(request,
                   {"call." + action.action, "call", uuid, static_cast<bool>(done), detail});
  if (!done) {
    const auto& code = done.error().code;
    const unsigned status = code == "not_found"       ? 404
                            : code == "invalid_state" ? 409
                            : code == "invalid"       ? 400
                                                      : 503;
    throw ApiError{status, code, done.error().message};
  }
  return Response::json({{"uuid", uuid}, {"action", action.action}, {"done", true}});
}

}  // namespace

void register_call_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::get,
              "/api/v1/calls",
              Access::permission_required("calls.read"),
              "calls",
              "Search call records, newest first (numbers masked without calls.numbers)",
              nullptr,
              paged_schema(call_schema()),
              200,
              {{"from", "string", "ISO-8601, offered at or after"},
               {"to", "string", "ISO-8601, offered before"},
               {"number", "string", "part of the caller, callee or dialled number"},
               {"extension", "string", "answered by, or called from or to, this extension"},
               {"disposition", "string", "answered, no_answer, busy, cancelled, ..."},
               {"direction", "string", "inbound, internal or outbound"},
               {"page", "integer", "1-based"},
               {"page_size", "integer", "at most 100"}}},
             [&ctx](Request& r) { return list_calls(ctx, r); });
  router.add(
      {http::verb::get, "/api/v1/calls/{id}", Access::permission_required("calls.read"), "calls",
       "One call record with its legs and events", nullptr, call_detail_with_ivr_schema()},
      [&ctx](Request& r) { return get_call(ctx, r); });
  router.add(
      {http::verb::post,
       "/api/v1/calls/{uuid}/actions",
       Access::permission_required("calls.control"),
       "calls",
       "Control a live call: hangup, hold, unhold, answer, transfer, consult, complete_transfer, "
       "cancel_consult, conference, park, retrieve (target: number or extension)",
       {{"type", "object"},
        {"required", {"action"}},
        {"properties",
         {{"action",
           {{"type", "string"},
            {"enum",
             {"hangup", "hold", "unhold", "answer", "transfer", "consult", "complete_transfer",
              "cancel_consult", "conference", "park", "retrieve"}}}},
          {"target", {{"type", "string"}}}}}},
       {{"type", "object"},
        {"properties",
         {{"uuid", {{"type", "string"}}},
          {"action", {{"type", "string"}}},
          {"done", {{"type", "boolean"}}}}}}},
      [&ctx](Request& r) { return act_on_call(ctx, r); });
}

}  // namespace hotline::api
