#include "store/user_repository.hpp"

#include <soci/soci.h>

#include <map>
#include <set>

#include "store/one_row_update.hpp"
#include "store/query_params.hpp"

namespace hotline::store {

namespace {

const char* kUserColumns =
    "u.id, u.username, u.display_name, u.org_unit_id, o.name, u.status, u.extension, "
    "u.failed_logins, u.locked_until, u.last_login_at, u.is_demo, u.created_at, u.updated_at, "
    "u.password_hash";
const char* kUserFrom = " FROM users u LEFT JOIN org_units o ON o.id = u.org_unit_id";

// Receives one row of kUserColumns.
struct UserRow {
  long long id = 0;
  std::string username, display_name, status, extension, org_name, password_hash;
  long long org_unit_id = 0, locked_until = 0, last_login_at = 0, created_at = 0, updated_at = 0;
  int failed_logins = 0, is_demo = 0;
  soci::indicator org_ind = soci::i_null, org_name_ind = soci::i_null, ext_ind = soci::i_null,
                  locked_ind = soci::i_null, login_ind = soci::i_null;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(username));
    st.exchange(soci::into(display_name));
    st.exchange(soci::into(org_unit_id, org_ind));
    st.exchange(soci::into(org_name, org_name_ind));
    st.exchange(soci::into(status));
    st.exchange(soci::into(extension, ext_ind));
    st.exchange(soci::into(failed_logins));
    st.exchange(soci::into(locked_until, locked_ind));
    st.exchange(soci::into(last_login_at, login_ind));
    st.exchange(soci::into(is_demo));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
    st.exchange(soci::into(password_hash));
  }

  User to_user() const {
    User u;
    u.id = id;
    u.username = username;
    u.display_name = display_name;
    if (org_ind == soci::i_ok) u.org_unit_id = org_unit_id;
    if (org_name_ind == soci::i_ok) u.org_unit_name = org_name;
    u.status = status;
    if (ext_ind == soci::i_ok) u.extension = extension;
    u.failed_logins = failed_logins;
    if (locked_ind == soci::i_ok) u.locked_until = locked_until;
    if (login_ind == soci::i_ok) u.last_login_at = last_login_at;
    u.is_demo = is_demo != 0;
    u.created_at = created_at;
    u.updated_at = updated_at;
    return u;
  }
};

// Runs a user SELECT and returns users with their role codes filled in.
std::vector<UserCredentials> select_users(soci::session& sql, const std::string& tail,
                                          QueryParams& params) {
  std::vector<UserCredentials> result;
  UserRow row;
  soci::statement st(sql);
  row.bind(st);
  params.bind(st);
  st.alloc();
  st.prepare(std::string("SELECT ") + kUserColumns + kUserFrom + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) result.push_back({row.to_user(), row.password_hash});
  if (result.empty()) return result;

  std::string ids;
  std::map<long long, std::size_t> index;
  for (std::size_t i = 0; i < result.size(); ++i) {
    if (!ids.empty()) ids += ",";
    ids += std::to_string(result[i].user.id);
    index[result[i].user.id] = i;
  }
  long long user_id = 0;
  std::string code;
  soci::statement roles =
      (sql.prepare << "SELECT ur.user_id, r.code FROM user_roles ur "
                      "JOIN roles r ON r.id = ur.role_id WHERE ur.user_id IN (" +
                          ids + ") ORDER BY ur.user_id, r.code",
       soci::into(user_id), soci::into(code));
  roles.execute(false);
  while (roles.fetch()) result[index[user_id]].user.roles.push_back(code);
  return result;
}

std::optional<UserCredentials> select_one(soci::session& sql, const std::string& where,
                                          QueryParams& params) {
  auto users = select_users(sql, " WHERE " + where, params);
  if (users.empty()) return std::nullopt;
  return std::move(users.front());
}

// Replaces a user's roles by codes; unknown codes are an error value.
std::optional<Error> write_roles(soci::session& sql, Id user_id,
                                 const std::vector<std::string>& codes) {
  long long uid = user_id;
  sql << "DELETE FROM user_roles WHERE user_id = :u", soci::use(uid);
  for (const auto& code : std::set<std::string>(codes.begin(), codes.end())) {
    long long role_id = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT id FROM roles WHERE code = :c", soci::use(code), soci::into(role_id, ind);
    if (!sql.got_data() || ind != soci::i_ok)
      return Error{"constraint", "unknown role '" + code + "'"};
    sql << "INSERT INTO user_roles (user_id, role_id) VALUES (:u, :r)", soci::use(uid),
        soci::use(role_id);
  }
  return std::nullopt;
}

}  // namespace

Result<PageOf<User>> UserRepository::list(const UserFilter& filter, const Page& page) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    std::string where = " WHERE 1 = 1";
    if (filter.text && !filter.text->empty()) {
      const auto p = params.add(like_contains(*filter.text));
      where += " AND (LOWER(u.username) LIKE LOWER(" + p +
               ") ESCAPE '\\' OR LOWER(u.display_name) LIKE LOWER(" + p + ") ESCAPE '\\')";
    }
    if (filter.org_unit_id)
      where += " AND u.org_unit_id = " + params.add(static_cast<long long>(*filter.org_unit_id));
    if (filter.status) where += " AND u.status = " + params.add(*filter.status);
    if (filter.role)
      where +=
          " AND EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id "
          "WHERE ur.user_id = u.id AND r.code = " +
          params.add(*filter.role) + ")";

    PageOf<User> out;
    out.total = params.count(sql, std::string("SELECT COUNT(*)") + kUserFrom + where);
    std::string limit_offset;
    QueryParams page_params = params.paged(page.page, page.page_size, limit_offset);
    for (auto& credentials :
         select_users(sql, where + " ORDER BY u.id" + limit_offset, page_params))
      out.items.push_back(std::move(credentials.user));
    return out;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<User>> UserRepository::find(Id id) {
  auto found = find_credentials(id);
  if (!found) return found.error();
  if (!*found) return std::optional<User>{};
  return std::optional<User>{(*found)->user};
}

Result<std::optional<UserCredentials>> UserRepository::find_credentials(Id id) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return select_one(sql, "u.id = " + params.add(static_cast<long long>(id)), params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<UserCredentials>> UserRepository::find_credentials(
    const std::string& username) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return select_one(sql, "u.username = " + params.add(username), params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<User> UserRepository::create(const NewUser& user) {
  Id id = 0;
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    const long long now = now_ms();
    long long org = user.org_unit_id.value_or(0);
    soci::indicator org_ind = user.org_unit_id ? soci::i_ok : soci::i_null;
    std::string extension = user.extension.value_or("");
    soci::indicator ext_ind = user.extension ? soci::i_ok : soci::i_null;
    int demo = user.is_demo ? 1 : 0;
    long long new_id = 0;
    sql << "INSERT INTO users (username, display_name, password_hash, org_unit_id, status, "
           "extension, is_demo, password_changed_at, created_at, updated_at) "
           "VALUES (:u, :d, :h, :o, :s, :e, :demo, :t, :t2, :t3) RETURNING id",
        soci::use(user.username), soci::use(user.display_name), soci::use(user.password_hash),
        soci::use(org, org_ind), soci::use(user.status), soci::use(extension, ext_ind),
        soci::use(demo), soci::use(now), soci::use(now), soci::use(now), soci::into(new_id);
    id = new_id;
    if (auto problem = write_roles(sql, id, user.roles)) return *problem;
    tx.commit();
  } catch (const std::exception& e) {
    return database_error(e);
  }
  auto created = find(id);
  if (!created) return created.error();
  return **created;
}

Result<User> UserRepository::update(Id id, const UserChanges& changes) {
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    QueryParams params;
    std::string sets = "updated_at = " + params.add(static_cast<long long>(now_ms()));
    if (changes.display_name) sets += ", display_name = " + params.add(*changes.display_name);
    if (changes.status) sets += ", status = " + params.add(*changes.status);
    if (changes.org_unit_id)
      sets += *changes.org_unit_id
                  ? ", org_unit_id = " + params.add(static_cast<long long>(**changes.org_unit_id))
                  : std::string(", org_unit_id = NULL");
    if (changes.extension)
      sets += *changes.extension ? ", extension = " + params.add(**changes.extension)
                                 : std::string(", extension = NULL");
    const auto where = params.add(static_cast<long long>(id));
    soci::statement st(sql);
    params.bind(st);
    st.alloc();
    st.prepare("UPDATE users SET " + sets + " WHERE id = " + where);
    st.define_and_bind();
    st.execute(true);
    if (st.get_affected_rows() == 0) return Error{"not_found", "no such user"};
    if (changes.roles)
      if (auto problem = write_roles(sql, id, *changes.roles)) return *problem;
    tx.commit();
  } catch (const std::exception& e) {
    return database_error(e);
  }
  auto updated = find(id);
  if (!updated) return updated.error();
  if (!*updated) return Error{"not_found", "no such user"};
  return **updated;
}

Status UserRepository::set_password(Id id, const std::string& password_hash) {
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long uid = id;
    soci::statement st =
        (sql.prepare << "UPDATE users SET password_hash = :h, password_changed_at = :t, "
                        "updated_at = :t2 WHERE id = :id",
         soci::use(password_hash), soci::use(now), soci::use(now), soci::use(uid));
    return execute_on_one_row(st, "no such user");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<int> UserRepository::record_failure(Id id, int max_failures, EpochMs lock_until) {
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    long long uid = id;
    int failures = 0;
    sql << "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = :id", soci::use(uid);
    sql << "SELECT failed_logins FROM users WHERE id = :id", soci::use(uid), soci::into(failures);
    if (failures >= max_failures) {
      long long until = lock_until;
      sql << "UPDATE users SET locked_until = :l, failed_logins = 0 WHERE id = :id",
          soci::use(until), soci::use(uid);
    }
    tx.commit();
    return failures;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status UserRepository::record_success(Id id, EpochMs at) {
  try {
    soci::session sql(db_.pool());
    long long uid = id;
    long long when = at;
    sql << "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = :t WHERE id = "
           ":id",
        soci::use(when), soci::use(uid);
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status UserRepository::unlock(Id id) {
  try {
    soci::session sql(db_.pool());
    long long uid = id;
    soci::statement st = (sql.prepare << "UPDATE users SET failed_logins = 0, locked_until = NULL "
                                         "WHERE id = :id",
                          soci::use(uid));
    return execute_on_one_row(st, "no such user");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::int64_t> UserRepository::count() {
  try {
    soci::session sql(db_.pool());
    long long n = 0;
    sql << "SELECT COUNT(*) FROM users", soci::into(n);
    return static_cast<std::int64_t>(n);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::int64_t> UserRepository::count_demo_users() {
  try {
    soci::session sql(db_.pool());
    long long n = 0;
    sql << "SELECT COUNT(*) FROM users WHERE is_demo = 1 AND status = 'active'", soci::into(n);
    return static_cast<std::int64_t>(n);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::vector<std::string>> UserRepository::permissions_of(Id id) {
  try {
    soci::session sql(db_.pool());
    long long uid = id;
    std::string permission;
    std::vector<std::string> out;
    soci::statement st = (sql.prepare << "SELECT DISTINCT rp.permission FROM user_roles ur "
                                         "JOIN role_permissions rp ON rp.role_id = ur.role_id "
                                         "WHERE ur.user_id = :u ORDER BY rp.permission",
                          soci::use(uid), soci::into(permission));
    st.execute(false);
    while (st.fetch()) out.push_back(permission);
    return out;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
