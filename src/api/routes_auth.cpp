// Web login, logout, the current user and own password change.
#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/json_views.hpp"
#include "api/validation.hpp"

namespace hotline::api {

namespace {

constexpr const char* kCookie = "hotline_session";

std::string session_cookie(const std::string& token, int max_age_seconds, bool secure) {
  return std::string(kCookie) + "=" + token +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_seconds) +
         (secure ? "; Secure" : "");
}

Response login(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  const auto username = required_string(body, "username", 1, 64);
  const auto password = required_string(body, "password", 1, 256);
  const auto outcome = ctx.auth.login(
      {username, password, request.remote_address, request.header(http::field::user_agent)});
  if (const auto* failure = std::get_if<LoginFailure>(&outcome)) {
    AuditRecord audit{"auth.login"};
    audit.success = false;
    audit.detail = {{"reason", failure->error.code}};
    if (failure->user_id) {
      audit.actor_id = failure->user_id;
      audit.actor_username = username;
      audit.target_type = "user";
      audit.target_id = std::to_string(*failure->user_id);
    } else {
      audit.detail["attempted_username"] = username.substr(0, 64);
    }
    ctx.audit.record(request, audit);
    const auto& code = failure->error.code;
    unsigned status = 500;
    if (code == "invalid_credentials")
      status = 401;
    else if (code == "account_locked")
      status = 423;
    else if (code == "account_disabled")
      status = 403;
    else if (code == "rate_limited")
      status = 429;
    if (status == 500) throw_store_error(failure->error);
    auto response = Response::error(status, code, failure->error.message);
    if (failure->retry_after_seconds > 0)
      response.headers.emplace_back("Retry-After", std::to_string(failure->retry_after_seconds));
    return response;
  }
  const auto& success = std::get<LoginSuccess>(outcome);
  AuditRecord audit{"auth.login", "user", std::to_string(success.user.id)};
  audit.actor_id = success.user.id;
  audit.actor_username = success.user.username;
  ctx.audit.record(request, audit);
  auto response = Response::json({{"token", success.token},
                                  {"expires_at", format_iso8601(success.session.expires_at)},
                                  {"user", to_json_view(success.user)}});
  response.headers.emplace_back(
      "Set-Cookie", session_cookie(success.token, ctx.config.auth.session_max_hours * 3600,
                                   ctx.config.auth.cookie_secure));
  return response;
}

Response logout(ApiContext& ctx, Request& request) {
  check(ctx.auth.logout(request.user().session_id));
  ctx.audit.record(request, {"auth.logout", "user", std::to_string(request.user().user_id)});
  auto response = Response::no_content();
  response.headers.emplace_back("Set-Cookie", session_cookie("", 0, ctx.config.auth.cookie_secure));
  return response;
}

Response me(ApiContext& ctx, Request& request) {
  const auto user = value_or_throw(ctx.users.find(request.user().user_id));
  if (!user) throw ApiError{401, "unauthorized", "the session's user no longer exists"};
  const auto& permissions = request.user().permissions;
  return Response::json(
      {{"user", to_json_view(*user)},
       {"permissions", std::vector<std::string>(permissions.begin(), permissions.end())}});
}

Response change_password(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  reject_unknown_fields(body, {"old_password", "new_password"});
  const auto old_password = required_string(body, "old_password", 1, 256);
  const auto new_password = required_string(body, "new_password", 1, 256);
  const auto& user = request.user();
  const auto changed =
      ctx.auth.change_password(user.user_id, old_password, new_password, user.session_id);
  AuditRecord audit{"auth.password_change", "user", std::to_string(user.user_id)};
  audit.success = changed.ok();
  if (!changed) audit.detail = {{"reason", changed.error().code}};
  ctx.audit.record(request, audit);
  check(changed);
  return Response::no_content();
}

}  // namespace

void register_auth_routes(Router& router, ApiContext& ctx) {
  const nlohmann::json login_schema = {
      {"type", "object"},
      {"required", {"username", "password"}},
      {"properties", {{"username", {{"type", "string"}}}, {"password", {{"type", "string"}}}}}};
  router.add({http::verb::post,
              "/api/v1/auth/login",
              Access::public_route(),
              "auth",
              "Log in; returns a session token and sets the HttpOnly session cookie",
              login_schema,
              {{"type", "object"},
               {"properties",
                {{"token", {{"type", "string"}}},
                 {"expires_at", {{"type", "string"}, {"format", "date-time"}}},
                 {"user", user_schema()}}}}},
             [&ctx](Request& r) { return login(ctx, r); });
  router.add({http::verb::post, "/api/v1/auth/logout", Access::authenticated(), "auth",
              "End the current session", nullptr, nullptr, 204},
             [&ctx](Request& r) { return logout(ctx, r); });
  router.add({http::verb::get,
              "/api/v1/auth/me",
              Access::authenticated(),
              "auth",
              "The logged-in user and the permissions of their roles",
              nullptr,
              {{"type", "object"},
               {"properties",
                {{"user", user_schema()},
                 {"permissions", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}}},
             [&ctx](Request& r) { return me(ctx, r); });
  router.add({http::verb::post,
              "/api/v1/auth/password",
              Access::authenticated(),
              "auth",
              "Change one's own password (other sessions end)",
              {{"type", "object"},
               {"required", {"old_password", "new_password"}},
               {"properties",
                {{"old_password", {{"type", "string"}}}, {"new_password", {{"type", "string"}}}}}},
              nullptr,
              204},
             [&ctx](Request& r) { return change_password(ctx, r); });
}

}  // namespace hotline::api
