#pragma once
// Users (staff accounts): profile, roles, password hash and login-failure state.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace hotline::store {

struct UserFilter {
  std::optional<std::string> text;  // matches username or display name
  std::optional<Id> org_unit_id;
  std::optional<std::string> role;  // role code
  std::optional<std::string> status;
};

struct NewUser {
  std::string username;  // lower case
  std::string display_name;
  std::string password_hash;
  std::optional<Id> org_unit_id;
  std::vector<std::string> roles;
  std::string status = "active";
  std::optional<std::string> extension;
  bool is_demo = false;
};

struct UserChanges {
  std::optional<std::string> display_name;
  std::optional<std::optional<Id>> org_unit_id;  // engaged + nullopt: clear
  std::optional<std::vector<std::string>> roles;
  std::optional<std::string> status;
  std::optional<std::optional<std::string>> extension;
};

struct UserCredentials {
  User user;
  std::string password_hash;
};

class UserRepository {
 public:
  explicit UserRepository(Database& db) : db_(db) {}

  Result<PageOf<User>> list(const UserFilter& filter, const Page& page);
  Result<std::optional<User>> find(Id id);
  Result<std::optional<UserCredentials>> find_credentials(const std::string& username);
  Result<std::optional<UserCredentials>> find_credentials(Id id);
  // "conflict" when the username or extension is taken, "constraint" for unknown units/roles.
  Result<User> create(const NewUser& user);
  Result<User> update(Id id, const UserChanges& changes);
  Status set_password(Id id, const std::string& password_hash);
  // After a failure: counts it and locks the account until `lock_until` once it reaches
  // `max_failures`. Returns the failure count.
  Result<int> record_failure(Id id, int max_failures, EpochMs lock_until);
  Status record_success(Id id, EpochMs at);
  Status unlock(Id id);
  Result<std::int64_t> count();
  Result<std::int64_t> count_demo_users();
  // Permission codes granted by the user's roles.
  Result<std::vector<std::string>> permissions_of(Id id);

 private:
  Database& db_;
};

}  // namespace hotline::store
