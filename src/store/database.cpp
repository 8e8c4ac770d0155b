#include "store/database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <filesystem>

namespace hotline::store {

namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// SQLite settings are per connection, so every pooled session gets them.
void configure_sqlite(soci::session& sql) {
  sql << "PRAGMA journal_mode=WAL";
  sql << "PRAGMA foreign_keys=ON";
  sql << "PRAGMA synchronous=NORMAL";
  sql << "PRAGMA busy_timeout=10000";
}

}  // namespace

Database::Database(Key, Dialect dialect, int pool_size)
    : dialect_(dialect),
      pool_size_(static_cast<std::size_t>(pool_size)),
      pool_(std::make_unique<soci::connection_pool>(pool_size_)) {}

Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::open(const std::string& url, int pool_size) {
  std::unique_ptr<Database> db;
  try {
    if (starts_with(url, "sqlite://") || starts_with(url, "sqlite:")) {
      std::string path = url.substr(starts_with(url, "sqlite://") ? 9 : 7);
      if (path.empty()) return Error{"database_url", "database url: empty SQLite path"};
      const auto parent = std::filesystem::path(path).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent);
      db = std::make_unique<Database>(Key{}, Dialect::Sqlite, pool_size);
      for (std::size_t i = 0; i < db->pool_size_; ++i) {
        auto& sql = db->pool_->at(i);
        sql.open(soci::sqlite3, "db=" + path + " timeout=10");
        configure_sqlite(sql);
      }
    } else if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) {
      auto conninfo = postgres_conninfo(url);
      if (!conninfo) return conninfo.error();
      db = std::make_unique<Database>(Key{}, Dialect::Postgresql, pool_size);
      for (std::size_t i = 0; i < db->pool_size_; ++i) {
        auto& sql = db->pool_->at(i);
        sql.open(soci::postgresql, *conninfo);
        sql << "SET client_min_messages TO WARNING";
      }
    } else {
      return Error{"database_url", "database url: '" + redact_database_url(url) +
                                       "' must start with sqlite:// or postgresql://"};
    }
  } catch (const std::exception& e) {
    return Error{"database_unavailable",
                 "cannot open database " + redact_database_url(url) + ": " + e.what()};
  }
  return db;
}

Status Database::ping() {
  try {
    soci::session sql(*pool_);
    int one = 0;
    sql << "SELECT 1", soci::into(one);
    if (one != 1) return Error{"database", "unexpected answer to SELECT 1"};
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

namespace {

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Quotes a libpq conninfo value.
std::string conninfo_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

Result<std::string> postgres_conninfo(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return Error{"database_url", "database url: missing '://'"};
  std::string rest = url.substr(scheme_end + 3);
  std::string query;
  if (const auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest.resize(q);
  }
  std::string dbname;
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    dbname = percent_decode(rest.substr(slash + 1));
    rest.resize(slash);
  }
  std::string user, password;
  if (const auto at = rest.rfind('@'); at != std::string::npos) {
    const auto credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = credentials.find(':');
    user = percent_decode(credentials.substr(0, colon));
    if (colon != std::string::npos) password = percent_decode(credentials.substr(colon + 1));
  }
  std::string host = rest, port;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return Error{"database_url", "database url: unclosed '['"};
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  std::string conninfo;
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    if (!conninfo.empty()) conninfo += ' ';
    conninfo += std::string(key) + "=" + conninfo_value(value);
  };
  add("host", percent_decode(host));
  add("port", port);
  add("user", user);
  add("password", password);
  add("dbname", dbname);
  std::size_t start = 0;
  while (start < query.size()) {
    auto end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const auto pair = query.substr(start, end - start);
    const auto eq = pair.find('=');
    if (eq != std::string::npos)
      add(percent_decode(pair.substr(0, eq)).c_str(), percent_decode(pair.substr(eq + 1)));
    start = end + 1;
  }
  return conninfo;
}

std::string redact_database_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Error database_error(const std::exception& e) {
  std::string message = e.what();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  // SQLite and PostgreSQL word their integrity errors differently; both are matched.
  const bool unique = message.find("UNIQUE constraint failed") != std::string::npos ||
                      message.find("duplicate key value") != std::string::npos;
  if (unique) return Error{"conflict", message};
  const bool integrity = message.find("constraint failed") != std::string::npos ||
                         message.find("violates") != std::string::npos;
  if (integrity) return Error{"constraint", message};
  return Error{"database", message};
}

}  // namespace hotline::store
