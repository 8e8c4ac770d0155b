// Reading the audit log (admins and auditors).
#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/json_views.hpp"
#include "api/validation.hpp"

namespace hotline::api {

namespace {

std::optional<EpochMs> time_param(const Request& request, const char* name) {
  const auto text = request.query_param(name);
  if (!text || text->empty()) return std::nullopt;
  const auto parsed = parse_iso8601(*text);
  if (!parsed) fail_validation(std::string(name) + " must be an ISO-8601 date or time");
  return parsed;
}

std::optional<std::string> text_param(const Request& request, const char* name) {
  auto value = request.query_param(name);
  if (value && value->empty()) return std::nullopt;
  if (value && value->size() > 128) fail_validation(std::string(name) + " is too long");
  return value;
}

Response query_audit(ApiContext& ctx, Request& request) {
  store::AuditFilter filter;
  filter.actor = text_param(request, "actor");
  filter.action = text_param(request, "action");
  filter.target_type = text_param(request, "target_type");
  filter.target_id = text_param(request, "target_id");
  if (const auto success = text_param(request, "success")) {
    if (*success != "true" && *success != "false") fail_validation("success must be true or false");
    filter.success = *success == "true";
  }
  filter.from = time_param(request, "from");
  filter.to = time_param(request, "to");
  const auto page = value_or_throw(ctx.audit.repository().query(filter, page_from(request)));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& entry : page.items) items.push_back(to_json_view(entry));
  return Response::json({{"items", items}, {"total", page.total}});
}

}  // namespace

void register_audit_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::get,
              "/api/v1/audit",
              Access::permission_required("audit.read"),
              "audit",
              "Search the audit log, newest first",
              nullptr,
              list_schema(audit_entry_schema(), true),
              200,
              {{"actor", "string", "username"},
               {"action", "string", "exact, or a prefix ending in *"},
               {"target_type", "string", ""},
               {"target_id", "string", ""},
               {"success", "boolean", ""},
               {"from", "string", "ISO-8601, inclusive"},
               {"to", "string", "ISO-8601, exclusive"},
               {"page", "integer", ""},
               {"page_size", "integer", ""}}},
             [&ctx](Request& r) { return query_audit(ctx, r); });
}

}  // namespace hotline::api
