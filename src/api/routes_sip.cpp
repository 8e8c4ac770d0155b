// SIP administration: per-extension SIP passwords, registration status, blocked addresses.
#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/json_views.hpp"
#include "api/validation.hpp"
#include "common/clock.hpp"
#include "sip/digest.hpp"
#include "store/sip_binding_repository.hpp"
#include "store/sip_credential_repository.hpp"

namespace hotline::api {

namespace {

// Printable ASCII only: it is typed into phones, many of which cannot enter anything else.
void check_sip_password(const std::string& password) {
  if (password.size() < 8 || password.size() > 64)
    fail_validation("password must be 8 to 64 characters");
  for (const char c : password)
    if (c < 0x21 || c > 0x7e)
      fail_validation("password must be printable ASCII characters without spaces");
}

Response set_sip_password(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  reject_unknown_fields(body, {"password"});
  const auto password = required_string(body, "password", 1, 256);
  check_sip_password(password);
  const auto user = value_or_throw(ctx.users.find(id));
  if (!user) throw ApiError{404, "not_found", "no such user"};
  if (!user->extension)
    throw ApiError{409, "conflict", "the user has no extension: assign one first"};
  const auto& realm = ctx.config.sip.realm;
  store::SipCredential credential;
  credential.user_id = id;
  credential.extension = *user->extension;
  credential.realm = realm;
  credential.ha1_md5 =
      sip::compute_ha1(sip::DigestAlgorithm::Md5, *user->extension, realm, password);
  credential.ha1_sha256 =
      sip::compute_ha1(sip::DigestAlgorithm::Sha256, *user->extension, realm, password);
  credential.updated_at = now_ms();
  check(store::SipCredentialRepository(ctx.db).set(credential));
  ctx.audit.record(
      request,
      {"sip.password_set", "user", std::to_string(id), true, {{"extension", *user->extension}}});
  return Response::no_content();
}

nlohmann::json binding_view(const store::SipBinding& b) {
  return {{"contact", b.contact_uri},
          {"source", b.source},
          {"transport", b.transport},
          {"behind_nat", b.behind_nat},
          {"user_agent", b.user_agent},
          {"expires_at", format_iso8601(b.expires_at)},
          {"registered_at", format_iso8601(b.registered_at)},
          {"updated_at", format_iso8601(b.updated_at)}};
}

// Every user with an extension, with its live bindings.
Response list_registrations(ApiContext& ctx, Request& request) {
  const auto wanted = request.query_param("extension");
  const auto now = now_ms();
  const auto bindings = value_or_throw(store::SipBindingRepository(ctx.db).active("", now));
  const auto with_password =
      value_or_throw(store::SipCredentialRepository(ctx.db).extensions_with_password());
  std::map<std::string, nlohmann::json> by_extension;
  for (int page = 1;; ++page) {
    const auto users = value_or_throw(ctx.users.list({}, {page, 200}));
    for (const auto& user : users.items) {
      if (!user.extension || (wanted && !wanted->empty() && *wanted != *user.extension)) continue;
      by_extension[*user.extension] = {
          {"extension", *user.extension},
          {"user_id", user.id},
          {"username", user.username},
          {"display_name", user.display_name},
          {"has_password", std::find(with_password.begin(), with_password.end(), *user.extension) !=
                               with_password.end()},
          {"registered", false},
          {"contacts", nlohmann::json::array()}};
    }
    if (users.items.size() < 200) break;
  }
  for (const auto& binding : bindings) {
    const auto found = by_extension.find(binding.extension);
    if (found == by_extension.end()) continue;
    found->second["registered"] = true;
    found->second["contacts"].push_back(binding_view(binding));
  }
  nlohmann::json items = nlohmann::json::array();
  for (auto& [extension, item] : by_extension) items.push_back(std::move(item));
  return Response::json({{"items", items}, {"total", items.size()}});
}

Response list_blocks(ApiContext& ctx) {
  nlohmann::json items = nlohmann::json::array();
  if (ctx.sip) {
    auto blocks = ctx.sip->blocks();
    if (!blocks) throw ApiError{503, "unavailable", blocks.error().message};
    for (const auto& block : *blocks)
      items.push_back({{"address", block.address},
                       {"blocked_at", format_iso8601(block.blocked_at)},
                       {"until", format_iso8601(block.until)},
                       {"reason", block.reason}});
  }
  return Response::json({{"items", items}, {"total", items.size()}});
}

Response list_trunk_registrations(ApiContext& ctx) {
  nlohmann::json items = nlohmann::json::array();
  if (ctx.sip) {
    auto registrations = ctx.sip->trunk_registrations();
    if (!registrations) throw ApiError{503, "unavailable", registrations.error().message};
    for (const auto& r : *registrations)
      items.push_back({{"trunk_id", r.trunk_id},
                       {"trunk_name", r.trunk_name},
                       {"state", r.state},
                       {"last_status", r.last_status},
                       {"last_error", r.last_error},
                       {"registered_at", time_or_null(r.registered_at)},
                       {"expires_at", time_or_null(r.expires_at)},
                       {"next_attempt_at", time_or_null(r.next_attempt_at)},
                       {"failures", r.failures}});
  }
  return Response::json({{"items", items}, {"total", items.size()}});
}

Response unblock(ApiContext& ctx, Request& request) {
  const auto address = request.path_params.at("address");
  bool lifted = false;
  if (ctx.sip) {
    auto result = ctx.sip->unblock(address);
    if (!result) throw ApiError{503, "unavailable", result.error().message};
    lifted = *result;
  }
  if (!lifted) throw ApiError{404, "not_found", "that address is not blocked"};
  ctx.audit.record(request, {"sip.unblock", "address", address});
  return Response::no_content();
}

nlohmann::json registration_schema() {
  return {{"type", "object"},
          {"properties",
           {{"extension", {{"type", "string"}}},
            {"user_id", {{"type", "integer"}}},
            {"username", {{"type", "string"}}},
            {"display_name", {{"type", "string"}}},
            {"has_password", {{"type", "boolean"}}},
            {"registered", {{"type", "boolean"}}},
            {"contacts", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}};
}

nlohmann::json trunk_registration_schema() {
  const nlohmann::json time = {{"type", {"string", "null"}}, {"format", "date-time"}};
  return {
      {"type", "object"},
      {"properties",
       {{"trunk_id", {{"type", "integer"}}},
        {"trunk_name", {{"type", "string"}}},
        {"state",
         {{"type", "string"}, {"enum", {"registering", "registered", "failed", "unregistered"}}}},
        {"last_status", {{"type", "integer"}}},
        {"last_error", {{"type", "string"}}},
        {"registered_at", time},
        {"expires_at", time},
        {"next_attempt_at", time},
        {"failures", {{"type", "integer"}}}}}};
}

nlohmann::json block_schema() {
  return {{"type", "object"},
          {"properties",
           {{"address", {{"type", "string"}}},
            {"blocked_at", {{"type", "string"}, {"format", "date-time"}}},
            {"until", {{"type", "string"}, {"format", "date-time"}}},
            {"reason", {{"type", "string"}}}}}};
}

}  // namespace

void register_sip_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::put,
              "/api/v1/users/{id}/sip-password",
              Access::permission_required("sip.manage"),
              "sip",
              "Set or reset the SIP password of the user's extension (stored as digests only)",
              {{"type", "object"},
               {"required", {"password"}},
               {"properties", {{"password", {{"type", "string"}, {"minLength", 8}}}}}},
              nullptr,
              204},
             [&ctx](Request& r) { return set_sip_password(ctx, r); });
  router.add({http::verb::get,
              "/api/v1/sip/registrations",
              Access::permission_required("sip.read"),
              "sip",
              "Registration status of every extension, with its contacts",
              nullptr,
              list_schema(registration_schema(), true),
              200,
              {{"extension", "string", "only this extension"}}},
             [&ctx](Request& r) { return list_registrations(ctx, r); });
  router.add(
      {http::verb::get, "/api/v1/sip/blocks", Access::permission_required("sip.read"), "sip",
       "Source addresses blocked by SIP security", nullptr, list_schema(block_schema(), true)},
      [&ctx](Request&) { return list_blocks(ctx); });
  router.add({http::verb::get, "/api/v1/trunks/registrations",
              Access::permission_required("telephony.read"), "telephony",
              "Registration state of every registration trunk at its carrier", nullptr,
              list_schema(trunk_registration_schema(), true)},
             [&ctx](Request&) { return list_trunk_registrations(ctx); });
  router.add({http::verb::delete_, "/api/v1/sip/blocks/{address}",
              Access::permission_required("sip.manage"), "sip", "Lift the block of an address",
              nullptr, nullptr, 204},
             [&ctx](Request& r) { return unblock(ctx, r); });
}

}  // namespace hotline::api
