#pragma once
// A fresh, empty database for one test: an SQLite file in a temp dir, or a new database in
// the suite's private PostgreSQL instance (tests/pg/pg-cluster.sh), dropped afterwards.
#include <string>

namespace hotline::test {

class ScratchDatabase {
 public:
  // dialect: "sqlite" or "postgresql". Throws std::runtime_error when PostgreSQL is not
  // running, so that a missing server fails the test instead of skipping it.
  explicit ScratchDatabase(const std::string& dialect);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& url() const { return url_; }

 private:
  std::string dialect_;
  std::string url_;
  std::string admin_url_;  // PostgreSQL: where CREATE/DROP DATABASE run
  std::string name_;
  std::string temp_dir_;
};

// The URL of the suite's PostgreSQL server (maintenance database).
std::string postgres_server_url();

}  // namespace hotline::test
