// Organisation units (centre, teams, bureau departments).
#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/json_views.hpp"
#include "api/validation.hpp"

namespace hotline::api {

namespace {

void check_kind(const std::optional<std::string>& kind) {
  if (kind && *kind != "centre" && *kind != "team" && *kind != "department")
    fail_validation("kind must be 'centre', 'team' or 'department'");
}

[[noreturn]] void throw_org_store_error(const Error& error) {
  if (error.code == "constraint" && error.message.find("oreign key") != std::string::npos)
    throw ApiError{400, "validation_failed", "parent_id does not name an organisation unit"};
  throw_store_error(error);
}

Response list_units(ApiContext& ctx, Request&) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& unit : value_or_throw(ctx.org_units.list())) items.push_back(to_json_view(unit));
  return Response::json({{"items", items}});
}

Response create_unit(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  reject_unknown_fields(body, {"parent_id", "name", "kind", "sort_order"});
  store::OrgUnit unit;
  if (auto parent = nullable_id(body, "parent_id")) unit.parent_id = *parent;
  unit.name = required_string(body, "name", 1, 64);
  unit.kind = required_string(body, "kind", 1, 16);
  check_kind(unit.kind);
  unit.sort_order = static_cast<int>(optional_int(body, "sort_order", -100000, 100000).value_or(0));
  auto created = ctx.org_units.create(unit);
  if (!created) throw_org_store_error(created.error());
  ctx.audit.record(request, {"org.create",
                             "org_unit",
                             std::to_string(created->id),
                             true,
                             {{"name", created->name}, {"kind", created->kind}}});
  return Response::json(to_json_view(*created), 201);
}

Response update_unit(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  reject_unknown_fields(body, {"parent_id", "name", "kind", "sort_order"});
  store::OrgUnitChanges changes;
  changes.parent_id = nullable_id(body, "parent_id");
  changes.name = optional_string(body, "name", 1, 64);
  changes.kind = optional_string(body, "kind", 1, 16);
  check_kind(changes.kind);
  if (auto order = optional_int(body, "sort_order", -100000, 100000))
    changes.sort_order = static_cast<int>(*order);
  auto updated = ctx.org_units.update(id, changes);
  if (!updated) throw_org_store_error(updated.error());
  ctx.audit.record(request,
                   {"org.update", "org_unit", std::to_string(id), true, {{"changes", body}}});
  return Response::json(to_json_view(*updated));
}

Response delete_unit(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  check(ctx.org_units.remove(id));
  ctx.audit.record(request, {"org.delete", "org_unit", std::to_string(id)});
  return Response::no_content();
}

}  // namespace

void register_org_routes(Router& router, ApiContext& ctx) {
  const nlohmann::json unit_body = {
      {"type", "object"},
      {"properties",
       {{"parent_id", {{"type", "integer"}, {"nullable", true}}},
        {"name", {{"type", "string"}, {"maxLength", 64}}},
        {"kind", {{"type", "string"}, {"enum", {"centre", "team", "department"}}}},
        {"sort_order", {{"type", "integer"}}}}}};
  nlohmann::json create_body = unit_body;
  create_body["required"] = {"name", "kind"};

  router.add({http::verb::get, "/api/v1/org-units", Access::permission_required("org.read"), "org",
              "All organisation units (flat; parent_id gives the tree)", nullptr,
              list_schema(org_unit_schema(), false)},
             [&ctx](Request& r) { return list_units(ctx, r); });
  router.add({http::verb::post, "/api/v1/org-units", Access::permission_required("org.manage"),
              "org", "Create a unit", create_body, org_unit_schema(), 201},
             [&ctx](Request& r) { return create_unit(ctx, r); });
  router.add(
      {http::verb::patch, "/api/v1/org-units/{id}", Access::permission_required("org.manage"),
       "org", "Rename, move or re-kind a unit", unit_body, org_unit_schema()},
      [&ctx](Request& r) { return update_unit(ctx, r); });
  router.add(
      {http::verb::delete_, "/api/v1/org-units/{id}", Access::permission_required("org.manage"),
       "org", "Delete a unit with no sub-units and no users", nullptr, nullptr, 204},
      [&ctx](Request& r) { return delete_unit(ctx, r); });
}

}  // namespace hotline::api
