#include "store/session_repository.hpp"

#include <soci/soci.h>

namespace hotline::store {

Status SessionRepository::create(const Session& s) {
  try {
    soci::session sql(db_.pool());
    long long uid = s.user_id, created = s.created_at, seen = s.last_seen_at,
              expires = s.expires_at;
    sql << "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, source_ip, "
           "user_agent) VALUES (:id, :u, :c, :s, :e, :ip, :ua)",
        soci::use(s.id), soci::use(uid), soci::use(created), soci::use(seen), soci::use(expires),
        soci::use(s.source_ip), soci::use(s.user_agent);
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<Session>> SessionRepository::find(const std::string& id) {
  try {
    soci::session sql(db_.pool());
    Session s;
    long long uid = 0, created = 0, seen = 0, expires = 0;
    sql << "SELECT id, user_id, created_at, last_seen_at, expires_at, source_ip, user_agent "
           "FROM sessions WHERE id = :id",
        soci::use(id), soci::into(s.id), soci::into(uid), soci::into(created), soci::into(seen),
        soci::into(expires), soci::into(s.source_ip), soci::into(s.user_agent);
    if (!sql.got_data()) return std::optional<Session>{};
    s.user_id = uid;
    s.created_at = created;
    s.last_seen_at = seen;
    s.expires_at = expires;
    return std::optional<Session>{s};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status SessionRepository::touch(const std::string& id, EpochMs seen_at, EpochMs expires_at) {
  try {
    soci::session sql(db_.pool());
    long long seen = seen_at, expires = expires_at;
    sql << "UPDATE sessions SET last_seen_at = :s, expires_at = :e WHERE id = :id", soci::use(seen),
        soci::use(expires), soci::use(id);
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status SessionRepository::remove(const std::string& id) {
  try {
    soci::session sql(db_.pool());
    sql << "DELETE FROM sessions WHERE id = :id", soci::use(id);
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status SessionRepository::remove_for_user(Id user_id, const std::string& keep) {
  try {
    soci::session sql(db_.pool());
    long long uid = user_id;
    sql << "DELETE FROM sessions WHERE user_id = :u AND id <> :k", soci::use(uid), soci::use(keep);
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::int64_t> SessionRepository::purge_expired(EpochMs now) {
  try {
    soci::session sql(db_.pool());
    long long at = now;
    soci::statement st =
        (sql.prepare << "DELETE FROM sessions WHERE expires_at <= :n", soci::use(at));
    st.execute(true);
    return static_cast<std::int64_t>(st.get_affected_rows());
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
