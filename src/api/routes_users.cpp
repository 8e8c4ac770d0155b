// User administration: list, view, create, edit, reset password, unlock.
#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/json_views.hpp"
#include "api/validation.hpp"

namespace hotline::api {

namespace {

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

void check_status_value(const std::optional<std::string>& status) {
  if (status && *status != "active" && *status != "disabled")
    fail_validation("status must be 'active' or 'disabled'");
}

void check_extension(const std::optional<std::optional<std::string>>& extension) {
  if (extension && *extension && !matches_charset(**extension, "0123456789", 2, 8))
    fail_validation("extension must be 2 to 8 digits");
}

// Unique-constraint errors name the column; say it in words.
[[noreturn]] void throw_user_store_error(const Error& error) {
  if (error.code == "conflict") {
    // SQLite names the column ("users.extension"), PostgreSQL the index ("users_extension_key").
    if (error.message.find("users.extension") != std::string::npos ||
        error.message.find("users_extension_key") != std::string::npos)
      throw ApiError{409, "conflict", "the extension is already assigned to another user"};
    throw ApiError{409, "conflict", "the username is already taken"};
  }
  if (error.code == "constraint" && error.message.find("FOREIGN KEY") != std::string::npos)
    throw ApiError{400, "validation_failed", "org_unit_id does not name an organisation unit"};
  if (error.code == "constraint" && error.message.find("foreign key") != std::string::npos)
    throw ApiError{400, "validation_failed", "org_unit_id does not name an organisation unit"};
  throw_store_error(error);
}

store::User user_or_404(ApiContext& ctx, store::Id id) {
  auto found = value_or_throw(ctx.users.find(id));
  if (!found) throw ApiError{404, "not_found", "no such user"};
  return *found;
}

// Keeps at least one active administrator, so nobody can lock the site out of itself.
void guard_last_admin(ApiContext& ctx, const store::User& before,
                      const store::UserChanges& changes) {
  const bool was_admin =
      before.status == "active" &&
      std::find(before.roles.begin(), before.roles.end(), "admin") != before.roles.end();
  if (!was_admin) return;
  const bool stays_active = !changes.status || *changes.status == "active";
  const bool keeps_role = !changes.roles || std::find(changes.roles->begin(), changes.roles->end(),
                                                      "admin") != changes.roles->end();
  if (stays_active && keeps_role) return;
  store::UserFilter filter;
  filter.role = "admin";
  filter.status = "active";
  const auto admins = value_or_throw(ctx.users.list(filter, {1, 1}));
  if (admins.total <= 1) throw ApiError{409, "conflict", "this is the last active administrator"};
}

Response list_users(ApiContext& ctx, Request& request) {
  store::UserFilter filter;
  filter.text = request.query_param("q");
  filter.org_unit_id = request.query_int("org_unit_id");
  filter.role = request.query_param("role");
  filter.status = request.query_param("status");
  if (filter.status && filter.status->empty()) filter.status.reset();
  if (filter.role && filter.role->empty()) filter.role.reset();
  check_status_value(filter.status);
  const auto page = value_or_throw(ctx.users.list(filter, page_from(request)));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& user : page.items) items.push_back(to_json_view(user));
  return Response::json({{"items", items}, {"total", page.total}});
}

Response get_user(ApiContext& ctx, Request& request) {
  return Response::json(to_json_view(user_or_404(ctx, request.id_param("id"))));
}

Response create_user(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  reject_unknown_fields(body, {"username", "display_name", "password", "org_unit_id", "roles",
                               "extension", "status"});
  store::NewUser user;
  user.username = lower(required_string(body, "username", 2, 32));
  if (!matches_charset(user.username, "abcdefghijklmnopqrstuvwxyz0123456789._-", 2, 32) ||
      !std::isalnum(static_cast<unsigned char>(user.username.front())))
    fail_validation(
        "username must be 2-32 letters, digits, '.', '_' or '-', starting with a letter or digit");
  user.display_name = required_string(body, "display_name", 1, 64);
  const auto password = required_string(body, "password", 1, 256);
  if (auto org = nullable_id(body, "org_unit_id")) user.org_unit_id = *org;
  user.roles = optional_string_list(body, "roles", 16).value_or(std::vector<std::string>{});
  if (user.roles.empty()) fail_validation("roles must name at least one role");
  const auto extension = nullable_string(body, "extension", 2, 8);
  check_extension(extension);
  if (extension) user.extension = *extension;
  user.status = optional_string(body, "status", 1, 16).value_or("active");
  check_status_value(user.status);
  user.password_hash = value_or_throw(ctx.auth.hash_checked(password, user.username));

  auto created = ctx.users.create(user);
  if (!created) throw_user_store_error(created.error());
  ctx.audit.record(request,
                   {"user.create",
                    "user",
                    std::to_string(created->id),
                    true,
                    {{"username", created->username},
                     {"roles", created->roles},
                     {"org_unit_id", created->org_unit_id ? nlohmann::json(*created->org_unit_id)
                                                          : nlohmann::json(nullptr)}}});
  ctx.events.publish({"user.created", {{"id", created->id}}, "users.read"});
  return Response::json(to_json_view(*created), 201);
}

Response update_user(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  reject_unknown_fields(body, {"display_name", "org_unit_id", "roles", "extension", "status"});
  store::UserChanges changes;
  changes.display_name = optional_string(body, "display_name", 1, 64);
  changes.org_unit_id = nullable_id(body, "org_unit_id");
  changes.roles = optional_string_list(body, "roles", 16);
  if (changes.roles && changes.roles->empty()) fail_validation("roles must name at least one role");
  changes.extension = nullable_string(body, "extension", 2, 8);
  check_extension(changes.extension);
  changes.status = optional_string(body, "status", 1, 16);
  check_status_value(changes.status);

  const auto before = user_or_404(ctx, id);
  guard_last_admin(ctx, before, changes);
  auto updated = ctx.users.update(id, changes);
  if (!updated) throw_user_store_error(updated.error());
  // A disabled account, or one whose roles changed, must log in again.
  if ((changes.status && *changes.status == "disabled") ||
      (changes.roles && *changes.roles != before.roles))
    check(ctx.auth.end_sessions(id));
  nlohmann::json changed = nlohmann::json::object();
  for (const auto& [key, value] : body.items()) changed[key] = value;
  ctx.audit.record(request, {"user.update",
                             "user",
                             std::to_string(id),
                             true,
                             {{"changes", changed}, {"before", to_json_view(before)}}});
  ctx.events.publish({"user.updated", {{"id", id}}, "users.read"});
  return Response::json(to_json_view(*updated));
}

Response reset_password(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  reject_unknown_fields(body, {"password"});
  const auto password = required_string(body, "password", 1, 256);
  user_or_404(ctx, id);
  check(ctx.auth.reset_password(id, password));
  ctx.audit.record(request, {"user.password_reset", "user", std::to_string(id)});
  return Response::no_content();
}

Response unlock_user(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  check(ctx.users.unlock(id));
  ctx.audit.record(request, {"user.unlock", "user", std::to_string(id)});
  return Response::no_content();
}

}  // namespace

void register_user_routes(Router& router, ApiContext& ctx) {
  const nlohmann::json create_schema = {
      {"type", "object"},
      {"required", {"username", "display_name", "password", "roles"}},
      {"properties",
       {{"username", {{"type", "string"}, {"pattern", "^[a-z0-9][a-z0-9._-]{1,31}$"}}},
        {"display_name", {{"type", "string"}, {"maxLength", 64}}},
        {"password", {{"type", "string"}}},
        {"org_unit_id", {{"type", "integer"}, {"nullable", true}}},
        {"roles", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"extension", {{"type", "string"}, {"pattern", "^[0-9]{2,8}$"}, {"nullable", true}}},
        {"status", {{"type", "string"}, {"enum", {"active", "disabled"}}}}}}};
  nlohmann::json update_schema = create_schema;
  update_schema.erase("required");
  update_schema["properties"].erase("username");
  update_schema["properties"].erase("password");

  router.add({http::verb::get,
              "/api/v1/users",
              Access::permission_required("users.read"),
              "users",
              "Search users",
              nullptr,
              list_schema(user_schema(), true),
              200,
              {{"q", "string", "part of the username or display name"},
               {"org_unit_id", "integer", ""},
               {"role", "string", "role code"},
               {"status", "string", "active or disabled"},
               {"page", "integer", "1-based"},
               {"page_size", "integer", "at most 200"}}},
             [&ctx](Request& r) { return list_users(ctx, r); });
  router.add({http::verb::post, "/api/v1/users", Access::permission_required("users.manage"),
              "users", "Create a user", create_schema, user_schema(), 201},
             [&ctx](Request& r) { return create_user(ctx, r); });
  router.add({http::verb::get, "/api/v1/users/{id}", Access::permission_required("users.read"),
              "users", "One user", nullptr, user_schema()},
             [&ctx](Request& r) { return get_user(ctx, r); });
  router.add({http::verb::patch, "/api/v1/users/{id}", Access::permission_required("users.manage"),
              "users", "Change a user's profile, unit, roles, extension or status", update_schema,
              user_schema()},
             [&ctx](Request& r) { return update_user(ctx, r); });
  router.add({http::verb::post,
              "/api/v1/users/{id}/password",
              Access::permission_required("users.manage"),
              "users",
              "Set a new password for a user (ends their sessions, clears a lockout)",
              {{"type", "object"},
               {"required", {"password"}},
               {"properties", {{"password", {{"type", "string"}}}}}},
              nullptr,
              204},
             [&ctx](Request& r) { return reset_password(ctx, r); });
  router.add(
      {http::verb::post, "/api/v1/users/{id}/unlock", Access::permission_required("users.manage"),
       "users", "Clear a lockout after failed logins", nullptr, nullptr, 204},
      [&ctx](Request& r) { return unlock_user(ctx, r); });
}

}  // namespace hotline::api
