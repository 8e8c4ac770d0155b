#pragma once
// Organisation units: the centre, its teams and the bureau's departments, as a tree.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace hotline::store {

struct OrgUnitChanges {
  std::optional<std::optional<Id>> parent_id;
  std::optional<std::string> name;
  std::optional<std::string> kind;
  std::optional<int> sort_order;
};

class OrgUnitRepository {
 public:
  explicit OrgUnitRepository(Database& db) : db_(db) {}

  Result<std::vector<OrgUnit>> list();
  Result<std::optional<OrgUnit>> find(Id id);
  Result<OrgUnit> create(const OrgUnit& unit);
  // Rejects moves that would make a unit its own ancestor ("constraint").
  Result<OrgUnit> update(Id id, const OrgUnitChanges& changes);
  // "conflict" while the unit has child units or users.
  Status remove(Id id);

 private:
  Database& db_;
};

}  // namespace hotline::store
