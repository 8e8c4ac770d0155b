#include "store/role_repository.hpp"

#include <soci/soci.h>

#include <map>
#include <set>

#include "store/access_catalog.hpp"

namespace hotline::store {

namespace {

std::vector<Role> select_roles(soci::session& sql, const std::string& where, long long id) {
  std::vector<Role> roles;
  Role row;
  long long role_id = 0;
  int builtin = 0;
  long long users = 0;
  std::string query =
      "SELECT r.id, r.code, r.name, r.description, r.builtin, "
      "(SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = r.id) FROM roles r " +
      where + " ORDER BY r.id";
  soci::statement st(sql);
  st.exchange(soci::into(role_id));
  st.exchange(soci::into(row.code));
  st.exchange(soci::into(row.name));
  st.exchange(soci::into(row.description));
  st.exchange(soci::into(builtin));
  st.exchange(soci::into(users));
  if (!where.empty()) st.exchange(soci::use(id, "id"));
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    row.id = role_id;
    row.builtin = builtin != 0;
    row.user_count = static_cast<int>(users);
    roles.push_back(row);
  }
  std::map<long long, std::size_t> index;
  for (std::size_t i = 0; i < roles.size(); ++i) index[roles[i].id] = i;
  std::string permission;
  soci::statement perms = (sql.prepare << "SELECT role_id, permission FROM role_permissions "
                                          "ORDER BY role_id, permission",
                           soci::into(role_id), soci::into(permission));
  perms.execute(false);
  while (perms.fetch()) {
    const auto it = index.find(role_id);
    if (it != index.end()) roles[it->second].permissions.push_back(permission);
  }
  return roles;
}

std::optional<Error> write_permissions(soci::session& sql, long long role_id,
                                       const std::vector<std::string>& permissions) {
  for (const auto& permission : permissions)
    if (!is_known_permission(permission))
      return Error{"constraint", "unknown permission '" + permission + "'"};
  sql << "DELETE FROM role_permissions WHERE role_id = :r", soci::use(role_id);
  for (const auto& permission : std::set<std::string>(permissions.begin(), permissions.end()))
    sql << "INSERT INTO role_permissions (role_id, permission) VALUES (:r, :p)", soci::use(role_id),
        soci::use(permission);
  return std::nullopt;
}

}  // namespace

Result<std::vector<Role>> RoleRepository::list() {
  try {
    soci::session sql(db_.pool());
    return select_roles(sql, "", 0);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<Role>> RoleRepository::find(Id id) {
  try {
    soci::session sql(db_.pool());
    auto roles = select_roles(sql, "WHERE r.id = :id", id);
    if (roles.empty()) return std::optional<Role>{};
    return std::optional<Role>{roles.front()};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<Role> RoleRepository::create(const Role& role) {
  long long id = 0;
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    const long long now = now_ms();
    sql << "INSERT INTO roles (code, name, description, builtin, created_at) "
           "VALUES (:c, :n, :d, 0, :t) RETURNING id",
        soci::use(role.code), soci::use(role.name), soci::use(role.description), soci::use(now),
        soci::into(id);
    if (auto problem = write_permissions(sql, id, role.permissions)) return *problem;
    tx.commit();
  } catch (const std::exception& e) {
    return database_error(e);
  }
  auto created = find(id);
  if (!created) return created.error();
  return **created;
}

Result<Role> RoleRepository::update(Id id, const RoleChanges& changes) {
  try {
    auto existing = find(id);
    if (!existing) return existing.error();
    if (!*existing) return Error{"not_found", "no such role"};
    if ((*existing)->builtin && changes.permissions)
      return Error{"conflict",
                   "the permissions of a built-in role are fixed; create a custom role"};
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    long long rid = id;
    if (changes.name)
      sql << "UPDATE roles SET name = :n WHERE id = :id", soci::use(*changes.name), soci::use(rid);
    if (changes.description)
      sql << "UPDATE roles SET description = :d WHERE id = :id", soci::use(*changes.description),
          soci::use(rid);
    if (changes.permissions)
      if (auto problem = write_permissions(sql, rid, *changes.permissions)) return *problem;
    tx.commit();
  } catch (const std::exception& e) {
    return database_error(e);
  }
  auto updated = find(id);
  if (!updated) return updated.error();
  return **updated;
}

Status RoleRepository::remove(Id id) {
  auto existing = find(id);
  if (!existing) return existing.error();
  if (!*existing) return Error{"not_found", "no such role"};
  if ((*existing)->builtin) return Error{"conflict", "built-in roles cannot be deleted"};
  if ((*existing)->user_count > 0)
    return Error{"conflict", "the role is still held by " +
                                 std::to_string((*existing)->user_count) + " user(s)"};
  try {
    soci::session sql(db_.pool());
    long long rid = id;
    sql << "DELETE FROM roles WHERE id = :id", soci::use(rid);
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status RoleRepository::sync_builtin_roles() {
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    for (const auto& builtin : builtin_roles()) {
      long long id = 0;
      sql << "SELECT id FROM roles WHERE code = :c", soci::use(builtin.code), soci::into(id);
      if (!sql.got_data()) {
        const long long now = now_ms();
        sql << "INSERT INTO roles (code, name, description, builtin, created_at) "
               "VALUES (:c, :n, :d, 1, :t) RETURNING id",
            soci::use(builtin.code), soci::use(builtin.name), soci::use(builtin.description),
            soci::use(now), soci::into(id);
      } else {
        sql << "UPDATE roles SET builtin = 1 WHERE id = :id", soci::use(id);
      }
      if (auto problem = write_permissions(sql, id, builtin.permissions)) return *problem;
    }
    tx.commit();
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
