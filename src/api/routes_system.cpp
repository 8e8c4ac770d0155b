// Health, metrics, the OpenAPI document and the WebSocket endpoint's entry in it.
#include "api/api_context.hpp"
#include "api/http/openapi.hpp"
#include "api/http/router.hpp"
#include "common/version.hpp"
#include "store/migrations.hpp"

namespace hotline::api {

namespace {

Response healthz(ApiContext& ctx) {
  nlohmann::json database = {{"dialect", ctx.db.dialect_name()}};
  const auto ping = ctx.db.ping();
  database["status"] = ping ? "ok" : "down";
  if (ping) {
    if (auto version = store::schema_version(ctx.db)) database["schema_version"] = *version;
  } else {
    database["error"] = ping.error().code;
  }
  return Response::json(
      {{"status", ping ? "ok" : "degraded"}, {"version", kVersion}, {"database", database}},
      ping ? 200 : 503);
}

Response metrics(ApiContext& ctx) {
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = ctx.metrics.render();
  return response;
}

}  // namespace

void register_system_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::get,
              "/healthz",
              Access::public_route(),
              "system",
              "Liveness and database status (503 when the database does not answer)",
              nullptr,
              {{"type", "object"},
               {"properties",
                {{"status", {{"type", "string"}}},
                 {"version", {{"type", "string"}}},
                 {"database", {{"type", "object"}}}}}}},
             [&ctx](Request&) { return healthz(ctx); });
  router.add({http::verb::get, "/metrics",
              ctx.config.http.metrics_public ? Access::public_route()
                                             : Access::permission_required("system.metrics"),
              "system", "Prometheus metrics (text format)", nullptr, nullptr},
             [&ctx](Request&) { return metrics(ctx); });
  router.add({http::verb::get,
              "/api/v1/openapi.json",
              Access::public_route(),
              "system",
              "This API's OpenAPI 3 document",
              nullptr,
              {{"type", "object"}}},
             [&router](Request&) { return Response::json(build_openapi(router, kVersion)); });
  router.add(
      {http::verb::get, "/api/v1/ws", Access::authenticated(), "system",
       "WebSocket of server-pushed events (upgrade request; token by cookie, bearer or "
       "?token=)",
       nullptr, nullptr, 101},
      [](Request&) { return Response::error(400, "bad_request", "WebSocket upgrade required"); });
}

void register_routes(Router& router, ApiContext& ctx) {
  register_system_routes(router, ctx);
  register_auth_routes(router, ctx);
  register_user_routes(router, ctx);
  register_role_routes(router, ctx);
  register_org_routes(router, ctx);
  register_audit_routes(router, ctx);
  register_sip_routes(router, ctx);
  register_telephony_routes(router, ctx);
  register_call_routes(router, ctx);
  register_recording_routes(router, ctx);
  register_ivr_flow_routes(router, ctx);
  register_ivr_calendar_routes(router, ctx);
  register_ivr_prompt_routes(router, ctx);
  register_ivr_data_source_routes(router, ctx);
  register_message_routes(router, ctx);
  register_survey_routes(router, ctx);
  register_queue_routes(router, ctx);
  register_agent_routes(router, ctx);
  register_missed_call_routes(router, ctx);
}

}  // namespace hotline::api
