#pragma once
// Named parameters for SQL built at run time (search filters), bound to a soci::statement.
#include <soci/soci.h>

#include <deque>
#include <string>
#include <variant>

namespace hotline::store {

class QueryParams {
 public:
  // Returns the placeholder (":p1", ":p2", ...) to write into the SQL text.
  std::string add(std::string value);
  std::string add(long long value);
  // Binds every value; the QueryParams must outlive the statement's execution.
  void bind(soci::statement& statement);
  // Runs `SELECT COUNT(*) ...` with these parameters.
  long long count(soci::session& sql, const std::string& count_query);
  // A copy with LIMIT/OFFSET parameters added for `page` (1-based); returns the SQL tail.
  QueryParams paged(int page, int page_size, std::string& limit_offset_sql) const;

 private:
  std::deque<std::variant<std::string, long long>> values_;  // deque: stable addresses
  std::deque<std::string> names_;
};

// Escapes % and _ for a LIKE pattern used with ESCAPE '\'.
std::string like_contains(const std::string& text);

}  // namespace hotline::store
