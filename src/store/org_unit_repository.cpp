#include "store/org_unit_repository.hpp"

#include <soci/soci.h>

#include <map>

namespace hotline::store {

Result<std::vector<OrgUnit>> OrgUnitRepository::list() {
  try {
    soci::session sql(db_.pool());
    std::vector<OrgUnit> units;
    long long id = 0, parent = 0, users = 0;
    soci::indicator parent_ind = soci::i_null;
    std::string name, kind;
    int sort_order = 0;
    soci::statement st =
        (sql.prepare << "SELECT o.id, o.parent_id, o.name, o.kind, o.sort_order, "
                        "(SELECT COUNT(*) FROM users u WHERE u.org_unit_id = o.id) "
                        "FROM org_units o ORDER BY o.sort_order, o.id",
         soci::into(id), soci::into(parent, parent_ind), soci::into(name), soci::into(kind),
         soci::into(sort_order), soci::into(users));
    st.execute(false);
    while (st.fetch()) {
      OrgUnit unit;
      unit.id = id;
      if (parent_ind == soci::i_ok) unit.parent_id = parent;
      unit.name = name;
      unit.kind = kind;
      unit.sort_order = sort_order;
      unit.user_count = static_cast<int>(users);
      units.push_back(std::move(unit));
    }
    return units;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<OrgUnit>> OrgUnitRepository::find(Id id) {
  auto units = list();
  if (!units) return units.error();
  for (auto& unit : *units)
    if (unit.id == id) return std::optional<OrgUnit>{unit};
  return std::optional<OrgUnit>{};
}

Result<OrgUnit> OrgUnitRepository::create(const OrgUnit& unit) {
  long long id = 0;
  try {
    soci::session sql(db_.pool());
    long long parent = unit.parent_id.value_or(0);
    soci::indicator parent_ind = unit.parent_id ? soci::i_ok : soci::i_null;
    const long long now = now_ms();
    sql << "INSERT INTO org_units (parent_id, name, kind, sort_order, created_at) "
           "VALUES (:p, :n, :k, :s, :t) RETURNING id",
        soci::use(parent, parent_ind), soci::use(unit.name), soci::use(unit.kind),
        soci::use(unit.sort_order), soci::use(now), soci::into(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
  auto created = find(id);
  if (!created) return created.error();
  return **created;
}

Result<OrgUnit> OrgUnitRepository::update(Id id, const OrgUnitChanges& changes) {
  auto units = list();
  if (!units) return units.error();
  std::map<Id, std::optional<Id>> parent_of;
  for (const auto& unit : *units) parent_of[unit.id] = unit.parent_id;
  if (!parent_of.count(id)) return Error{"not_found", "no such organisation unit"};
  if (changes.parent_id && *changes.parent_id) {
    // Walk up from the new parent: meeting `id` would create a cycle.
    std::optional<Id> cursor = **changes.parent_id;
    if (!parent_of.count(*cursor)) return Error{"constraint", "parent unit does not exist"};
    for (int depth = 0; cursor && depth <= static_cast<int>(parent_of.size()); ++depth) {
      if (*cursor == id) return Error{"constraint", "a unit cannot be moved under itself"};
      cursor = parent_of[*cursor];
    }
  }
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    long long uid = id;
    if (changes.name)
      sql << "UPDATE org_units SET name = :n WHERE id = :id", soci::use(*changes.name),
          soci::use(uid);
    if (changes.kind)
      sql << "UPDATE org_units SET kind = :k WHERE id = :id", soci::use(*changes.kind),
          soci::use(uid);
    if (changes.sort_order)
      sql << "UPDATE org_units SET sort_order = :s WHERE id = :id", soci::use(*changes.sort_order),
          soci::use(uid);
    if (changes.parent_id) {
      long long parent = changes.parent_id->value_or(0);
      soci::indicator parent_ind = *changes.parent_id ? soci::i_ok : soci::i_null;
      sql << "UPDATE org_units SET parent_id = :p WHERE id = :id", soci::use(parent, parent_ind),
          soci::use(uid);
    }
    tx.commit();
  } catch (const std::exception& e) {
    return database_error(e);
  }
  auto updated = find(id);
  if (!updated) return updated.error();
  return **updated;
}

Status OrgUnitRepository::remove(Id id) {
  auto unit = find(id);
  if (!unit) return unit.error();
  if (!*unit) return Error{"not_found", "no such organisation unit"};
  if ((*unit)->user_count > 0)
    return Error{"conflict",
                 "the unit still has " + std::to_string((*unit)->user_count) + " user(s)"};
  try {
    soci::session sql(db_.pool());
    long long uid = id;
    long long children = 0;
    sql << "SELECT COUNT(*) FROM org_units WHERE parent_id = :id", soci::use(uid),
        soci::into(children);
    if (children > 0) return Error{"conflict", "the unit still has sub-units"};
    sql << "DELETE FROM org_units WHERE id = :id", soci::use(uid);
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
