#pragma once
// 漏话: callers the hotline did not serve (abandoned in the IVR or a queue, unanswered
// callbacks, voice messages), with their follow-up status.
#include <optional>
#include <string>

#include "common/result.hpp"
#include "store/acd_models.hpp"
#include "store/database.hpp"

namespace hotline::store {

class MissedCallRepository {
 public:
  explicit MissedCallRepository(Database& db) : db_(db) {}

  Result<Id> create(const MissedCall& missed);  // "constraint": unknown lost_in or status
  Result<std::optional<MissedCall>> find(Id id);
  Result<PageOf<MissedCall>> query(const MissedCallFilter& filter,
                                   const Page& page);  // newest first
  // Errors: "invalid" (unknown status), "not_found".
  Status update_status(Id id, const std::string& status, std::optional<Id> handled_by,
                       const std::string& note);

 private:
  Database& db_;
};

}  // namespace hotline::store
