#pragma once
// Agents' current states (resumed after a restart) and the append-only log of their changes.
#include <optional>
#include <vector>

#include "common/result.hpp"
#include "store/acd_models.hpp"
#include "store/database.hpp"

namespace hotline::store {

struct AgentEventFilter {
  std::optional<Id> user_id;
  std::optional<EpochMs> from;
  std::optional<EpochMs> to;
};

class AgentStateRepository {
 public:
  explicit AgentStateRepository(Database& db) : db_(db) {}

  Result<std::vector<AgentStateRecord>> load();
  // The agent's new state and the event that led there, in one transaction.
  Status record(const AgentStateRecord& state, const AgentEvent& event);
  Result<PageOf<AgentEvent>> events(const AgentEventFilter& filter,
                                    const Page& page);  // oldest first

 private:
  Database& db_;
};

}  // namespace hotline::store
