#pragma once
// Callbacks callers asked for in a queue (queue.callback_key or a callback overflow): waiting
// ones are restored after a restart with their place in the queue.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/acd_models.hpp"
#include "store/database.hpp"

namespace hotline::store {

class CallbackRepository {
 public:
  explicit CallbackRepository(Database& db) : db_(db) {}

  Result<Id> create(const Callback& callback);  // "constraint": empty number, unknown status
  Result<std::optional<Callback>> find(Id id);
  // Waiting or dialling (a restart interrupted the dialling), oldest place first.
  Result<std::vector<Callback>> open();
  // A dialling attempt: status dialling, attempts + 1, the call dialling it and the agent whose
  // phone rings (none when several ring at once: taken_by names the one who answers).
  Status dialling(Id id, std::optional<Id> agent_id, const std::string& callback_call_uuid);
  // The agent who answered the callback's ring and dials the citizen.
  Status taken_by(Id id, Id agent_id);
  // Errors: "not_found". `outcome` says why (answered, no_answer, busy, agent_no_answer, ...).
  Status finish(Id id, const std::string& status, const std::string& outcome);

 private:
  Database& db_;
};

}  // namespace hotline::store
