#pragma once
// Queues with their members, and the not-ready reasons agents choose from.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/acd_models.hpp"
#include "store/database.hpp"

namespace hotline::store {

class QueueRepository {
 public:
  explicit QueueRepository(Database& db) : db_(db) {}

  Result<std::vector<Queue>> list();  // by name, with members
  Result<std::optional<Queue>> find(Id id);
  // Errors: "conflict" (the name is taken), "constraint" (a value the schema refuses).
  Result<Id> create(const Queue& queue);
  Status update(const Queue& queue);  // not its members; "not_found"
  Status remove(Id id);
  // Replaces the members. Errors: "not_found" (queue), "constraint" (unknown user).
  Status set_members(Id queue_id, const std::vector<QueueMember>& members);

  Result<std::vector<NotReadyReason>> reasons();  // by sort order, then name
  Result<Id> create_reason(const NotReadyReason& reason);
  Status update_reason(const NotReadyReason& reason);
  Status remove_reason(Id id);

 private:
  Database& db_;
};

}  // namespace hotline::store
