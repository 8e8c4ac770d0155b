#pragma once
// The built-in self-service table: rows of "table" data sources, filled by CSV import and
// looked up by the IVR with a keyed hash of the caller's ID number (never the number itself).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/ivr_models.hpp"

namespace hotline::store {

class SelfServiceRepository {
 public:
  explicit SelfServiceRepository(Database& db) : db_(db) {}

  Result<std::optional<SelfServiceRecord>> lookup(Id data_source_id, const std::string& lookup_key);

  // CSV import, all or nothing: every row is inserted, or replaces the source's row with the
  // same lookup_key, in one transaction; on any error nothing is written. data_source_id of
  // the rows is ignored. Returns how many rows were written. Errors name the failing row
  // ("row 3: ...", 1-based position in `rows`): "invalid" (fields not a JSON object),
  // "constraint" (e.g. an empty lookup_key); "not_found" / "invalid" when the source does not
  // exist or is not a table.
  Result<std::int64_t> upsert_many(Id data_source_id, const std::vector<SelfServiceRecord>& rows);
  // As upsert_many, but the source's existing rows are deleted first (same transaction): after
  // success the table holds exactly `rows`.
  Result<std::int64_t> replace_all(Id data_source_id, const std::vector<SelfServiceRecord>& rows);

  Result<std::int64_t> count(Id data_source_id);
  Result<PageOf<SelfServiceRecord>> list(Id data_source_id, const Page& page);  // oldest first
  Result<std::int64_t> remove_all(Id data_source_id);                           // returns how many

 private:
  Result<std::int64_t> write(Id data_source_id, const std::vector<SelfServiceRecord>& rows,
                             bool replace);

  Database& db_;
};

}  // namespace hotline::store
