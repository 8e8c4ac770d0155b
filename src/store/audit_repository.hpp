#pragma once
// The audit log: append and query only. The schema's triggers refuse updates and deletes.
#include <optional>
#include <string>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace hotline::store {

struct AuditFilter {
  std::optional<std::string> actor;   // username, exact
  std::optional<std::string> action;  // exact, or prefix when it ends with '*'
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<bool> success;
  std::optional<EpochMs> from;  // inclusive
  std::optional<EpochMs> to;    // exclusive
};

class AuditRepository {
 public:
  explicit AuditRepository(Database& db) : db_(db) {}

  Result<Id> append(const AuditEntry& entry);
  // Newest first.
  Result<PageOf<AuditEntry>> query(const AuditFilter& filter, const Page& page);

 private:
  Database& db_;
};

}  // namespace hotline::store
