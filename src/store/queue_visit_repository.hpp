#pragma once
// Each call's visits to queues (entered, left, outcome, wait): the basis of queue reports and of
// the wallboard's counters after a restart.
#include <vector>

#include "common/result.hpp"
#include "store/acd_models.hpp"
#include "store/database.hpp"

namespace hotline::store {

class QueueVisitRepository {
 public:
  explicit QueueVisitRepository(Database& db) : db_(db) {}

  Result<Id> enter(const QueueVisit& visit);
  // Closes the visit with its outcome. Errors: "not_found", "invalid" (unknown outcome).
  Status leave(Id id, EpochMs left_at, const std::string& outcome, std::optional<Id> agent_id,
               EpochMs wait_ms, int offers);
  Result<std::vector<QueueVisit>> entered_since(EpochMs since);  // oldest first
  // Closes every visit still open as "failed" (a restart ended those calls); how many.
  Result<int> close_open(EpochMs now);
  Result<std::vector<QueueVisit>> of_call(const std::string& call_uuid);

 private:
  Database& db_;
};

}  // namespace hotline::store
