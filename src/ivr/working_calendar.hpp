#pragma once
// The site's working calendar: weekly opening hours plus dated exceptions (public holidays that
// close a weekday, make-up working days 调休 that open a weekend day), evaluated in the site's
// fixed UTC offset (China has no daylight saving time, so an offset is enough).
#include <array>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace hotline::ivr {

// Minutes since local midnight; an interval is [start, end) and `end` may be 24:00 (1440).
// Overnight service is two intervals: "22:00-24:00" today and "00:00-06:00" the next day.
struct OpenInterval {
  int start_minute = 0;
  int end_minute = 0;
  bool operator==(const OpenInterval&) const = default;
};

// "08:30-12:00" <-> OpenInterval. Errors as values (code "bad_hours").
Result<OpenInterval> parse_open_interval(std::string_view text);
std::string format_open_interval(const OpenInterval& interval);
// Sorted, non-overlapping, non-empty intervals; the list may be empty (closed all day).
Result<std::vector<OpenInterval>> parse_day_hours(const std::vector<std::string>& texts);
// Checks a list built in code: each interval non-empty and inside the day, sorted, no overlap.
Status check_day_hours(const std::vector<OpenInterval>& hours);

// "2026-10-01" (also "2026/10/1", "2026-10-1"); nullopt for anything else or an impossible date.
std::optional<std::chrono::year_month_day> parse_calendar_date(std::string_view text);
std::string format_calendar_date(std::chrono::year_month_day date);  // "2026-10-01"

struct CalendarException {
  enum class Kind { holiday, workday };
  std::chrono::year_month_day date;
  Kind kind = Kind::holiday;
  std::string name;  // "国庆节", "国庆节调休"; may be empty
  // Only for a workday: its hours; empty means the calendar's make-up day hours.
  std::vector<OpenInterval> hours;
};

std::string_view to_string(CalendarException::Kind kind);  // "holiday" | "workday"

class WorkingCalendar {
 public:
  // Index 0 is Monday ... 6 is Sunday.
  using WeeklyHours = std::array<std::vector<OpenInterval>, 7>;

  // Closed every day until hours are set; UTC+08:00.
  WorkingCalendar() = default;

  // The demo's: open around the clock, every day, no exceptions.
  static WorkingCalendar always_open();
  // The documented default for a real site: Monday to Friday 08:30-12:00 and 13:30-17:30,
  // closed on weekends, UTC+08:00, no exceptions (import the year's holidays by CSV).
  static WorkingCalendar standard_office_hours();

  // {"utc_offset": "+08:00", "weekly": {"mon": ["08:30-12:00", ...], ..., "sun": []},
  //  "makeup_hours": [...] (optional), "exceptions": [{"date", "type", "name", "hours"?}]}
  static Result<WorkingCalendar> from_json(const nlohmann::json& json);
  nlohmann::json to_json() const;

  Status set_utc_offset_minutes(int minutes);  // -14:00 .. +14:00
  int utc_offset_minutes() const { return utc_offset_minutes_; }
  Status set_day_hours(std::chrono::weekday day, std::vector<OpenInterval> hours);
  const std::vector<OpenInterval>& day_hours(std::chrono::weekday day) const;
  // Hours of a make-up working day that names none; when never set, Monday's hours.
  Status set_makeup_hours(std::vector<OpenInterval> hours);
  const std::vector<OpenInterval>& makeup_hours() const;

  // Adds or replaces the exception on that date.
  Status set_exception(CalendarException exception);
  void remove_exception(std::chrono::year_month_day date);
  const CalendarException* exception_on(std::chrono::year_month_day date) const;
  std::vector<CalendarException> exceptions() const;

  bool is_open(EpochMs at) const;
  // The first instant at or after `from` when the site is open (`from` itself when open now);
  // nullopt when it never opens within the search horizon (about two years).
  std::optional<EpochMs> next_opening(EpochMs from) const;
  // The first instant at or after `from` when the site is closed; nullopt when always open.
  std::optional<EpochMs> next_closing(EpochMs from) const;

  // Local calendar date and weekday at an instant (for announcements such as 节假日 names).
  std::chrono::year_month_day local_date(EpochMs at) const;
  // The hours that apply on a local date, after exceptions.
  const std::vector<OpenInterval>& hours_on(std::chrono::year_month_day date) const;

 private:
  std::optional<EpochMs> next_change(EpochMs from, bool currently_open) const;
  EpochMs local_midnight_utc(std::chrono::sys_days day) const;

  int utc_offset_minutes_ = 8 * 60;
  WeeklyHours weekly_;
  std::optional<std::vector<OpenInterval>> makeup_hours_;
  std::map<std::chrono::sys_days, CalendarException> exceptions_;
};

}  // namespace hotline::ivr
