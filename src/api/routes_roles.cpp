// Roles and the permission catalogue.
#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/json_views.hpp"
#include "api/validation.hpp"
#include "store/access_catalog.hpp"

namespace hotline::api {

namespace {

void check_permissions(const std::optional<std::vector<std::string>>& permissions) {
  if (!permissions) return;
  for (const auto& code : *permissions)
    if (!store::is_known_permission(code)) fail_validation("unknown permission '" + code + "'");
}

Response list_roles(ApiContext& ctx, Request&) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& role : value_or_throw(ctx.roles.list())) items.push_back(to_json_view(role));
  return Response::json({{"items", items}});
}

Response list_permissions(ApiContext&, Request&) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : store::permission_catalog())
    items.push_back(
        {{"code", p.code}, {"group", p.group}, {"name_zh", p.name_zh}, {"name_en", p.name_en}});
  return Response::json({{"items", items}});
}

Response create_role(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  reject_unknown_fields(body, {"code", "name", "description", "permissions"});
  store::Role role;
  role.code = required_string(body, "code", 2, 32);
  if (!matches_charset(role.code, "abcdefghijklmnopqrstuvwxyz0123456789_", 2, 32) ||
      !std::islower(static_cast<unsigned char>(role.code.front())))
    fail_validation("code must be 2-32 lower-case letters, digits or '_', starting with a letter");
  role.name = required_string(body, "name", 1, 32);
  role.description = optional_string(body, "description", 0, 200).value_or("");
  const auto permissions = optional_string_list(body, "permissions", 256);
  check_permissions(permissions);
  role.permissions = permissions.value_or(std::vector<std::string>{});
  auto created = ctx.roles.create(role);
  if (!created && created.error().code == "conflict")
    throw ApiError{409, "conflict", "a role with this code exists"};
  const auto saved = value_or_throw(std::move(created));
  ctx.audit.record(request, {"role.create",
                             "role",
                             std::to_string(saved.id),
                             true,
                             {{"code", saved.code}, {"permissions", saved.permissions}}});
  return Response::json(to_json_view(saved), 201);
}

Response update_role(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  reject_unknown_fields(body, {"name", "description", "permissions"});
  store::RoleChanges changes;
  changes.name = optional_string(body, "name", 1, 32);
  changes.description = optional_string(body, "description", 0, 200);
  changes.permissions = optional_string_list(body, "permissions", 256);
  check_permissions(changes.permissions);
  const auto before = value_or_throw(ctx.roles.find(id));
  if (!before) throw ApiError{404, "not_found", "no such role"};
  const auto saved = value_or_throw(ctx.roles.update(id, changes));
  ctx.audit.record(request, {"role.update",
                             "role",
                             std::to_string(id),
                             true,
                             {{"changes", body}, {"before_permissions", before->permissions}}});
  return Response::json(to_json_view(saved));
}

Response delete_role(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  check(ctx.roles.remove(id));
  ctx.audit.record(request, {"role.delete", "role", std::to_string(id)});
  return Response::no_content();
}

}  // namespace

void register_role_routes(Router& router, ApiContext& ctx) {
  const nlohmann::json role_body = {
      {"type", "object"},
      {"properties",
       {{"code", {{"type", "string"}, {"pattern", "^[a-z][a-z0-9_]{1,31}$"}}},
        {"name", {{"type", "string"}}},
        {"description", {{"type", "string"}}},
        {"permissions", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}};
  nlohmann::json create_body = role_body;
  create_body["required"] = {"code", "name"};
  nlohmann::json update_body = role_body;
  update_body["properties"].erase("code");

  router.add(
      {http::verb::get, "/api/v1/roles", Access::permission_required("roles.read"), "roles",
       "Roles with their permissions and user counts", nullptr, list_schema(role_schema(), false)},
      [&ctx](Request& r) { return list_roles(ctx, r); });
  router.add({http::verb::post, "/api/v1/roles", Access::permission_required("roles.manage"),
              "roles", "Create a custom role", create_body, role_schema(), 201},
             [&ctx](Request& r) { return create_role(ctx, r); });
  router.add(
      {http::verb::patch, "/api/v1/roles/{id}", Access::permission_required("roles.manage"),
       "roles", "Rename a role or change a custom role's permissions", update_body, role_schema()},
      [&ctx](Request& r) { return update_role(ctx, r); });
  router.add(
      {http::verb::delete_, "/api/v1/roles/{id}", Access::permission_required("roles.manage"),
       "roles", "Delete a custom role that nobody holds", nullptr, nullptr, 204},
      [&ctx](Request& r) { return delete_role(ctx, r); });
  router.add({http::verb::get, "/api/v1/permissions", Access::permission_required("roles.read"),
              "roles", "The permission catalogue", nullptr,
              list_schema({{"type", "object"},
                           {"properties",
                            {{"code", {{"type", "string"}}},
                             {"group", {{"type", "string"}}},
                             {"name_zh", {{"type", "string"}}},
                             {"name_en", {{"type", "string"}}}}}},
                          false)},
             [&ctx](Request& r) { return list_permissions(ctx, r); });
}

}  // namespace hotline::api
