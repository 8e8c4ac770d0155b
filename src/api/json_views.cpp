#include "api/json_views.hpp"

namespace hotline::api {

namespace {

nlohmann::json type(const char* name) {
  return {{"type", name}};
}
nlohmann::json nullable(const char* name) {
  return {{"type", name}, {"nullable", true}};
}
nlohmann::json string_list() {
  return {{"type", "array"}, {"items", type("string")}};
}

}  // namespace

nlohmann::json to_json_view(const store::User& user) {
  return {{"id", user.id},
          {"username", user.username},
          {"display_name", user.display_name},
          {"org_unit_id", or_null(user.org_unit_id)},
          {"org_unit_name", or_null(user.org_unit_name)},
          {"roles", user.roles},
          {"status", user.status},
          {"extension", or_null(user.extension)},
          {"locked", user.locked_at(now_ms())},
          {"last_login_at", time_or_null(user.last_login_at)},
          {"created_at", format_iso8601(user.created_at)}};
}

nlohmann::json to_json_view(const store::Role& role) {
  return {{"id", role.id},
          {"code", role.code},
          {"name", role.name},
          {"description", role.description},
          {"builtin", role.builtin},
          {"permissions", role.permissions},
          {"user_count", role.user_count}};
}

nlohmann::json to_json_view(const store::OrgUnit& unit) {
  return {
      {"id", unit.id},     {"parent_id", or_null(unit.parent_id)}, {"name", unit.name},
      {"kind", unit.kind}, {"sort_order", unit.sort_order},        {"user_count", unit.user_count}};
}

nlohmann::json to_json_view(const store::AuditEntry& entry) {
  auto detail = nlohmann::json::parse(entry.detail_json, nullptr, false);
  if (detail.is_discarded()) detail = nlohmann::json::object();
  return {{"id", entry.id},
          {"at", format_iso8601(entry.at)},
          {"actor_id", or_null(entry.actor_id)},
          {"actor_username", or_null(entry.actor_username)},
          {"source_ip", entry.source_ip},
          {"action", entry.action},
          {"target_type", or_null(entry.target_type)},
          {"target_id", or_null(entry.target_id)},
          {"success", entry.success},
          {"detail", detail}};
}

nlohmann::json user_schema() {
  return {{"type", "object"},
          {"properties",
           {{"id", type("integer")},
            {"username", type("string")},
            {"display_name", type("string")},
            {"org_unit_id", nullable("integer")},
            {"org_unit_name", nullable("string")},
            {"roles", string_list()},
            {"status", {{"type", "string"}, {"enum", {"active", "disabled"}}}},
            {"extension", nullable("string")},
            {"locked", type("boolean")},
            {"last_login_at", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
            {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}};
}

nlohmann::json role_schema() {
  return {{"type", "object"},
          {"properties",
           {{"id", type("integer")},
            {"code", type("string")},
            {"name", type("string")},
            {"description", type("string")},
            {"builtin", type("boolean")},
            {"permissions", string_list()},
            {"user_count", type("integer")}}}};
}

nlohmann::json org_unit_schema() {
  return {{"type", "object"},
          {"properties",
           {{"id", type("integer")},
            {"parent_id", nullable("integer")},
            {"name", type("string")},
            {"kind", {{"type", "string"}, {"enum", {"centre", "team", "department"}}}},
            {"sort_order", type("integer")},
            {"user_count", type("integer")}}}};
}

nlohmann::json audit_entry_schema() {
  return {{"type", "object"},
          {"properties",
           {{"id", type("integer")},
            {"at", {{"type", "string"}, {"format", "date-time"}}},
            {"actor_id", nullable("integer")},
            {"actor_username", nullable("string")},
            {"source_ip", type("string")},
            {"action", type("string")},
            {"target_type", nullable("string")},
            {"target_id", nullable("string")},
            {"success", type("boolean")},
            {"detail", type("object")}}}};
}

nlohmann::json list_schema(const nlohmann::json& item, bool with_total) {
  nlohmann::json schema = {{"type", "object"},
                           {"properties", {{"items", {{"type", "array"}, {"items", item}}}}}};
  if (with_total) schema["properties"]["total"] = type("integer");
  return schema;
}

nlohmann::json time_or_null(const std::optional<EpochMs>& value) {
  return value ? nlohmann::json(format_iso8601(*value)) : nlohmann::json(nullptr);
}

}  // namespace hotline::api
