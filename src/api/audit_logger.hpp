#pragma once
// Writes audit entries for API actions: who (from the request's principal), from where,
// what, to which record. A failed write is logged loudly but never hides the action's result.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/http/http_types.hpp"
#include "store/audit_repository.hpp"

namespace hotline::api {

struct AuditRecord {
  std::string action;
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  bool success = true;
  nlohmann::json detail = nlohmann::json::object();
  // Overrides for requests without a principal (failed logins).
  std::optional<store::Id> actor_id;
  std::optional<std::string> actor_username;
};

class AuditLogger {
 public:
  explicit AuditLogger(store::Database& db) : repository_(db) {}
  void record(const Request& request, const AuditRecord& record);
  store::AuditRepository& repository() { return repository_; }

 private:
  store::AuditRepository repository_;
};

}  // namespace hotline::api
