#pragma once
// JSON forms of the records the API returns (field names as in the glossary).
#include <nlohmann/json.hpp>
#include <optional>

#include "common/clock.hpp"
#include "store/models.hpp"

namespace hotline::api {

// Optional values as JSON: the value, or null.
template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
// An optional time as ISO 8601, or null.
nlohmann::json time_or_null(const std::optional<EpochMs>& value);

nlohmann::json to_json_view(const store::User& user);
nlohmann::json to_json_view(const store::Role& role);
nlohmann::json to_json_view(const store::OrgUnit& unit);
nlohmann::json to_json_view(const store::AuditEntry& entry);

// OpenAPI schemas of the same forms.
nlohmann::json user_schema();
nlohmann::json role_schema();
nlohmann::json org_unit_schema();
nlohmann::json audit_entry_schema();
nlohmann::json list_schema(const nlohmann::json& item, bool with_total);

}  // namespace hotline::api
