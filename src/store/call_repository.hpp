#pragma once
// Call records (CDRs) and the append-only call event log.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/telephony_models.hpp"

namespace hotline::store {

class CallRepository {
 public:
  explicit CallRepository(Database& db) : db_(db) {}
  // Every statement runs on `shared` (the caller's transaction, e.g. a batch of writes).
  CallRepository(Database& db, soci::session& shared) : db_(db), shared_(&shared) {}

  // Inserts the record as offered (legs included); returns its id.
  Result<Id> create(const CallRecord& call);
  // Rewrites every mutable field of the record with this id (timestamps, disposition,
  // cause, hangup side, answered_by, recording, quality, legs).
  Status update(const CallRecord& call);
  Result<std::optional<CallRecord>> find(Id id);
  Result<std::optional<CallRecord>> find_by_uuid(const std::string& uuid);
  // Newest first.
  Result<PageOf<CallRecord>> query(const CallFilter& filter, const Page& page);
  // Calls left "active" by a daemon that stopped abruptly: closed as failed with cause
  // "daemon_restart" and ended_at = `now`. Returns how many.
  Result<int> close_abandoned(EpochMs now);

  Result<Id> append_event(const CallEvent& event);
  Result<std::vector<CallEvent>> events(Id call_id);  // oldest first

 private:
  Database& db_;
  soci::session* shared_ = nullptr;
};

}  // namespace hotline::store
