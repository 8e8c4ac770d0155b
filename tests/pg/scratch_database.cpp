#include "scratch_database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include "store/database.hpp"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace hotline::test {

namespace {

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  return std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

}  // namespace

std::string postgres_server_url() {
  const char* file = std::getenv("HOTLINE_TEST_PG_URL_FILE");
  if (!file)
    throw std::runtime_error("HOTLINE_TEST_PG_URL_FILE is not set: run the tests through ctest");
  std::ifstream in(file);
  std::string url;
  if (!in || !std::getline(in, url) || url.empty())
    throw std::runtime_error(std::string("PostgreSQL is not running: no URL in ") + file);
  return url;
}

ScratchDatabase::ScratchDatabase(const std::string& dialect) : dialect_(dialect) {
  if (dialect == "sqlite") {
    char pattern[] = "/tmp/hotline-db.XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    temp_dir_ = pattern;
    url_ = "sqlite://" + temp_dir_ + "/test.db";
  } else if (dialect == "postgresql") {
    admin_url_ = postgres_server_url();
    name_ = "hotline_test_" + unique_suffix();
    soci::session sql(soci::postgresql, *store::postgres_conninfo(admin_url_));
    sql << "DROP DATABASE IF EXISTS " + name_;
    sql << "CREATE DATABASE " + name_;
    url_ = admin_url_.substr(0, admin_url_.rfind('/') + 1) + name_;
  } else {
    throw std::invalid_argument("unknown dialect " + dialect);
  }
}

ScratchDatabase::~ScratchDatabase() {
  try {
    if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_);
    if (!name_.empty()) {
      soci::session sql(soci::postgresql, *store::postgres_conninfo(admin_url_));
      sql << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
    }
  } catch (...) {
    // Cleanup must not throw from a destructor; the cluster is removed after the suite anyway.
  }
}

}  // namespace hotline::test
