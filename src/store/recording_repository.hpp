#pragma once
// Recording metadata; the audio files live under the data dir.
#include <optional>
#include <string>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/telephony_models.hpp"

namespace hotline::store {

class RecordingRepository {
 public:
  explicit RecordingRepository(Database& db) : db_(db) {}
  // Every statement runs on `shared` (the caller's transaction).
  RecordingRepository(Database& db, soci::session& shared) : db_(db), shared_(&shared) {}

  Result<Id> create(const Recording& recording);
  Result<std::optional<Recording>> find(Id id);  // call_uuid, caller, callee joined
  Result<PageOf<Recording>> query(const RecordingFilter& filter, const Page& page);  // newest first

 private:
  Database& db_;
  soci::session* shared_ = nullptr;
};

}  // namespace hotline::store
