#pragma once
// Self-service data sources: the built-in table (rows in SelfServiceRepository) or an HTTP
// JSON service described by its config.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/ivr_models.hpp"

namespace hotline::store {

class DataSourceRepository {
 public:
  explicit DataSourceRepository(Database& db) : db_(db) {}

  Result<std::vector<DataSource>> list();  // ordered by name
  Result<std::optional<DataSource>> find(Id id);
  Result<std::optional<DataSource>> find_by_name(const std::string& name);
  // Errors: "conflict" for a duplicate name; "invalid" for an empty name, a bad kind or a
  // config that is not a JSON object.
  Result<Id> create(const DataSource& source);
  Status update(const DataSource& source);  // name, kind, config, enabled; "not_found"
  // Deletes the source and, for a table, its rows. "not_found".
  Status remove(Id id);

 private:
  Database& db_;
};

}  // namespace hotline::store
