#pragma once
// Roles and the permissions they grant.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace hotline::store {

struct RoleChanges {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> permissions;
};

class RoleRepository {
 public:
  explicit RoleRepository(Database& db) : db_(db) {}

  Result<std::vector<Role>> list();
  Result<std::optional<Role>> find(Id id);
  Result<Role> create(const Role& role);  // "conflict" when the code exists
  Result<Role> update(Id id, const RoleChanges& changes);
  // "conflict" for built-in roles and roles still held by users.
  Status remove(Id id);
  // Creates missing built-in roles and sets their permissions to the catalogue's.
  Status sync_builtin_roles();

 private:
  Database& db_;
};

}  // namespace hotline::store
