#pragma once
// The IVR part of call records: flow version, path log, outcome and the sealed ID number.
#include <optional>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/ivr_models.hpp"

namespace hotline::store {

class CallIvrRepository {
 public:
  explicit CallIvrRepository(Database& db) : db_(db) {}

  // Inserts the call's row or rewrites every field of it but created_at. Errors: "invalid"
  // (path not JSON, empty outcome or flow), "constraint" (no such call).
  Status upsert(const CallIvr& record);
  Result<std::optional<CallIvr>> find(Id call_id);
  // Calls per outcome among calls offered in [from, to), ordered by outcome.
  Result<std::vector<IvrOutcomeCount>> count_outcomes(EpochMs from, EpochMs to);

 private:
  Database& db_;
};

}  // namespace hotline::store
