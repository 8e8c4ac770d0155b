#pragma once
// Working calendars used by the IVR's time conditions.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/ivr_models.hpp"

namespace hotline::store {

class CalendarRepository {
 public:
  explicit CalendarRepository(Database& db) : db_(db) {}

  Result<std::vector<IvrCalendar>> list();  // ordered by name
  Result<std::optional<IvrCalendar>> find(Id id);
  Result<std::optional<IvrCalendar>> find_by_name(const std::string& name);
  // Errors: "conflict" for a duplicate name, "invalid" for an empty name or a definition that
  // is not a JSON object.
  Result<Id> create(const IvrCalendar& calendar);
  Status update(const IvrCalendar& calendar);  // name, description, definition; "not_found"
  Status remove(Id id);                        // "not_found"

 private:
  Database& db_;
};

}  // namespace hotline::store
