#include "store/calendar_repository.hpp"

#include <soci/soci.h>

#include "store/json_text.hpp"
#include "store/one_row_update.hpp"
#include "store/query_params.hpp"

namespace hotline::store {

namespace {

const char* kCalendarSelect =
    "SELECT id, name, description, definition, created_at, updated_at FROM calendars";

std::optional<Error> check_calendar(const IvrCalendar& calendar) {
  if (calendar.name.empty()) return Error{"invalid", "a calendar needs a name"};
  return check_json_object(calendar.definition, "the calendar's definition");
}

std::vector<IvrCalendar> select_calendars(soci::session& sql, const std::string& tail,
                                          QueryParams& params) {
  std::vector<IvrCalendar> calendars;
  IvrCalendar c;
  long long id = 0, created_at = 0, updated_at = 0;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(c.name));
  st.exchange(soci::into(c.description));
  st.exchange(soci::into(c.definition));
  st.exchange(soci::into(created_at));
  st.exchange(soci::into(updated_at));
  params.bind(st);
  st.alloc();
  st.prepare(kCalendarSelect + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    c.id = id;
    c.created_at = created_at;
    c.updated_at = updated_at;
    calendars.push_back(c);
  }
  return calendars;
}

Result<std::optional<IvrCalendar>> first_calendar(soci::session& sql, const std::string& tail,
                                                  QueryParams& params) {
  auto calendars = select_calendars(sql, tail, params);
  if (calendars.empty()) return std::optional<IvrCalendar>{};
  return std::optional<IvrCalendar>{std::move(calendars.front())};
}

}  // namespace

Result<std::vector<IvrCalendar>> CalendarRepository::list() {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return select_calendars(sql, " ORDER BY name", params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<IvrCalendar>> CalendarRepository::find(Id id) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return first_calendar(sql, " WHERE id = " + params.add(static_cast<long long>(id)), params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<IvrCalendar>> CalendarRepository::find_by_name(const std::string& name) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return first_calendar(sql, " WHERE name = " + params.add(name), params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<Id> CalendarRepository::create(const IvrCalendar& calendar) {
  if (auto problem = check_calendar(calendar)) return *problem;
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = 0;
    sql << "INSERT INTO calendars (name, description, definition, created_at, updated_at) "
           "VALUES (:n, :d, :def, :t, :t2) RETURNING id",
        soci::use(calendar.name), soci::use(calendar.description), soci::use(calendar.definition),
        soci::use(now), soci::use(now), soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status CalendarRepository::update(const IvrCalendar& calendar) {
  if (auto problem = check_calendar(calendar)) return *problem;
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = calendar.id;
    soci::statement st =
        (sql.prepare << "UPDATE calendars SET name = :n, description = :d, definition = :def, "
                        "updated_at = :t WHERE id = :id",
         soci::use(calendar.name), soci::use(calendar.description), soci::use(calendar.definition),
         soci::use(now), soci::use(id));
    return execute_on_one_row(st, "no such calendar");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status CalendarRepository::remove(Id id) {
  try {
    soci::session sql(db_.pool());
    long long wanted = id;
    soci::statement st = (sql.prepare << "DELETE FROM calendars WHERE id = :id", soci::use(wanted));
    return execute_on_one_row(st, "no such calendar");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
