#pragma once
// Numbered schema migrations, applied in order at start and recorded in schema_migrations.
// One set for both databases: statements use {ID} for an auto-increment primary key and
// may add dialect-only statements (triggers) where SQL differs.
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"

namespace hotline::store {

struct Migration {
  int version;
  std::string name;
  std::vector<std::string> statements;             // both dialects
  std::vector<std::string> sqlite_statements;      // SQLite only
  std::vector<std::string> postgresql_statements;  // PostgreSQL only
};

const std::vector<Migration>& all_migrations();

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<int> applied;
};

// Applies every migration newer than the database's version, each in its own transaction.
// A database newer than this build is an error (downgrades are not supported).
Result<MigrationReport> migrate(Database& db, const std::vector<Migration>& migrations);
inline Result<MigrationReport> migrate(Database& db) {
  return migrate(db, all_migrations());
}

Result<int> schema_version(Database& db);

}  // namespace hotline::store
