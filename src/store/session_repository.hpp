#pragma once
// Web login sessions, stored by the digest of their token.
#include <optional>
#include <string>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace hotline::store {

class SessionRepository {
 public:
  explicit SessionRepository(Database& db) : db_(db) {}

  Status create(const Session& session);
  Result<std::optional<Session>> find(const std::string& id);
  // Records activity and pushes the expiry out (bounded by the caller).
  Status touch(const std::string& id, EpochMs seen_at, EpochMs expires_at);
  Status remove(const std::string& id);
  // Ends every session of the user, except `keep` (the session making a password change).
  Status remove_for_user(Id user_id, const std::string& keep = "");
  Result<std::int64_t> purge_expired(EpochMs now);

 private:
  Database& db_;
};

}  // namespace hotline::store
