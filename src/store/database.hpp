#pragma once
// A pool of SOCI sessions on SQLite (embedded default) or PostgreSQL, chosen by URL:
//   sqlite:///abs/path.db, sqlite://relative/path.db, postgresql://user:pass@host:port/db
#include <soci/connection-pool.h>
#include <soci/session.h>

#include <memory>
#include <optional>
#include <string>

#include "common/result.hpp"

namespace hotline::store {

enum class Dialect { Sqlite, Postgresql };

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& url, int pool_size);

 private:
  struct Key {
    explicit Key() = default;
  };

 public:
  Database(Key, Dialect dialect, int pool_size);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return dialect_; }
  const char* dialect_name() const { return dialect_ == Dialect::Sqlite ? "sqlite" : "postgresql"; }
  // Borrow with `soci::session sql(db.pool());` — returned to the pool when it goes out of scope.
  soci::connection_pool& pool() { return *pool_; }
  // A trivial query: is the database answering?
  Status ping();

 private:
  Dialect dialect_;
  std::size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
};

// A session for one repository call: the caller's, when several writes share one transaction
// (`shared` non-null), otherwise one borrowed from the pool for the scope's lifetime.
class SessionScope {
 public:
  SessionScope(Database& db, soci::session* shared) {
    if (shared) {
      session_ = shared;
    } else {
      own_.emplace(db.pool());
      session_ = &*own_;
    }
  }
  soci::session& operator*() { return *session_; }

 private:
  std::optional<soci::session> own_;
  soci::session* session_ = nullptr;
};

// The URL with any password replaced by "***", for logs and /healthz.
std::string redact_database_url(const std::string& url);

// postgresql://user:pass@host:port/db?key=value → libpq "key=value" form (SOCI 4.0 mangles URIs).
Result<std::string> postgres_conninfo(const std::string& url);

// Turns a database exception into an error value: "conflict" for unique violations,
// "constraint" for other integrity violations, otherwise "database".
Error database_error(const std::exception& e);

}  // namespace hotline::store
