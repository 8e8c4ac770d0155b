// The schema, as numbered migrations. Never edit a released migration: add a new one.
// Times are BIGINT milliseconds since the epoch; booleans are INTEGER 0/1 on both databases.
#include "store/migrations.hpp"
#include "store/schema_acd.hpp"
#include "store/schema_ivr.hpp"
#include "store/schema_sip.hpp"
#include "store/schema_telephony.hpp"

namespace hotline::store {

const std::vector<Migration>& all_migrations() {
  static const std::vector<Migration> migrations = {
      {1,
       "accounts, organisation, sessions, audit log",
       {
           "CREATE TABLE org_units ("
           " id {ID},"
           " parent_id BIGINT REFERENCES org_units(id),"
           " name TEXT NOT NULL,"
           " kind TEXT NOT NULL CHECK (kind IN ('centre', 'team', 'department')),"
           " sort_order INTEGER NOT NULL DEFAULT 0,"
           " created_at BIGINT NOT NULL)",
           "CREATE INDEX org_units_parent ON org_units(parent_id)",
           "CREATE TABLE roles ("
           " id {ID},"
           " code TEXT NOT NULL UNIQUE,"
           " name TEXT NOT NULL,"
           " description TEXT NOT NULL DEFAULT '',"
           " builtin INTEGER NOT NULL DEFAULT 0,"
           " created_at BIGINT NOT NULL)",
           "CREATE TABLE role_permissions ("
           " role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,"
           " permission TEXT NOT NULL,"
           " PRIMARY KEY (role_id, permission))",
           "CREATE TABLE users ("
           " id {ID},"
           " username TEXT NOT NULL UNIQUE,"
           " display_name TEXT NOT NULL,"
           " password_hash TEXT NOT NULL,"
           " org_unit_id BIGINT REFERENCES org_units(id),"
           " status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),"
           " extension TEXT UNIQUE,"
           " failed_logins INTEGER NOT NULL DEFAULT 0,"
           " locked_until BIGINT,"
           " last_login_at BIGINT,"
           " password_changed_at BIGINT,"
           " is_demo INTEGER NOT NULL DEFAULT 0,"
           " created_at BIGINT NOT NULL,"
           " updated_at BIGINT NOT NULL)",
           "CREATE INDEX users_org_unit ON users(org_unit_id)",
           "CREATE TABLE user_roles ("
           " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
           " role_id BIGINT NOT NULL REFERENCES roles(id),"
           " PRIMARY KEY (user_id, role_id))",
           "CREATE INDEX user_roles_role ON user_roles(role_id)",
           "CREATE TABLE sessions ("
           " id TEXT PRIMARY KEY,"
           " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
           " created_at BIGINT NOT NULL,"
           " last_seen_at BIGINT NOT NULL,"
           " expires_at BIGINT NOT NULL,"
           " source_ip TEXT NOT NULL DEFAULT '',"
           " user_agent TEXT NOT NULL DEFAULT '')",
           "CREATE INDEX sessions_user ON sessions(user_id)",
           "CREATE TABLE audit_log ("
           " id {ID},"
           " at BIGINT NOT NULL,"
           " actor_id BIGINT,"
           " actor_username TEXT,"
           " source_ip TEXT NOT NULL DEFAULT '',"
           " action TEXT NOT NULL,"
           " target_type TEXT,"
           " target_id TEXT,"
           " success INTEGER NOT NULL,"
           " detail TEXT NOT NULL DEFAULT '{}')",
           "CREATE INDEX audit_log_at ON audit_log(at)",
           "CREATE INDEX audit_log_actor ON audit_log(actor_username)",
           "CREATE INDEX audit_log_action ON audit_log(action)",
       },
       // The audit log is append-only: the database itself refuses changes and deletions.
       {
           "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
           "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
           "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
           "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
       },
       {
           "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
           "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
           "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
           "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
       }},
      sip_migration(),
      telephony_migration(),
      ivr_migration(),
      acd_migration(),
      ivr_test_migration(),
  };
  return migrations;
}

}  // namespace hotline::store
