#include "ivr/working_calendar.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace hotline::ivr {

namespace {

using namespace std::chrono;

constexpr EpochMs kMsPerMinute = 60'000;
constexpr EpochMs kMsPerDay = 86'400'000;
constexpr int kMinutesPerDay = 24 * 60;
// Long enough to cross any run of holidays and a whole year's exceptions.
constexpr int kSearchHorizonDays = 800;
constexpr std::array<std::string_view, 7> kDayKeys = {"mon", "tue", "wed", "thu",
                                                      "fri", "sat", "sun"};

Error bad(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

std::size_t day_index(weekday day) {
  return day.iso_encoding() - 1;
}

EpochMs floor_div(EpochMs value, EpochMs divisor) {
  EpochMs quotient = value / divisor;
  if ((value % divisor != 0) && ((value < 0) != (divisor < 0))) --quotient;
  return quotient;
}

std::optional<int> parse_int(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "HH:MM" with 00:00..24:00.
std::optional<int> parse_minute_of_day(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2) return std::nullopt;
  const std::string_view hour_text = text.substr(0, colon);
  const std::string_view minute_text = text.substr(colon + 1);
  if (minute_text.size() != 2) return std::nullopt;
  const auto hour = parse_int(hour_text);
  const auto minute = parse_int(minute_text);
  if (!hour || !minute || *hour < 0 || *minute < 0 || *minute > 59) return std::nullopt;
  const int total = *hour * 60 + *minute;
  if (total > kMinutesPerDay) return std::nullopt;
  return total;
}

std::string format_minute_of_day(int minute) {
  // Callers pass 0..1440 only; the larger buffer keeps the compiler's range check quiet.
  char text[16];
  std::snprintf(text, sizeof text, "%02d:%02d", minute / 60, minute % 60);
  return text;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

Result<int> parse_utc_offset(std::string_view text) {
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-')) {
    return bad("bad_offset", "utc_offset must look like +08:00");
  }
  const auto minutes = parse_minute_of_day(text.substr(1));
  if (!minutes || *minutes > 14 * 60) return bad("bad_offset", "utc_offset out of range");
  return text[0] == '-' ? -*minutes : *minutes;
}

std::string format_utc_offset(int minutes) {
  const char sign = minutes < 0 ? '-' : '+';
  return sign + format_minute_of_day(minutes < 0 ? -minutes : minutes);
}

Result<std::vector<OpenInterval>> hours_from_json(const nlohmann::json& json,
                                                  const std::string& where) {
  if (!json.is_array()) return bad("bad_hours", where + ": hours must be a list");
  std::vector<std::string> texts;
  for (const auto& item : json) {
    if (!item.is_string()) return bad("bad_hours", where + ": each interval is a string");
    texts.push_back(item.get<std::string>());
  }
  auto hours = parse_day_hours(texts);
  if (!hours) return bad("bad_hours", where + ": " + hours.error().message);
  return hours;
}

nlohmann::json hours_to_json(const std::vector<OpenInterval>& hours) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& interval : hours) list.push_back(format_open_interval(interval));
  return list;
}

}  // namespace

Result<OpenInterval> parse_open_interval(std::string_view text) {
  const std::string cleaned = trim(text);
  const auto dash = cleaned.find('-');
  if (dash == std::string::npos) {
    return bad("bad_hours", "interval '" + cleaned + "' must look like 08:30-12:00");
  }
  const auto start = parse_minute_of_day(trim(std::string_view(cleaned).substr(0, dash)));
  const auto end = parse_minute_of_day(trim(std::string_view(cleaned).substr(dash + 1)));
  if (!start || !end) {
    return bad("bad_hours", "interval '" + cleaned + "' must look like 08:30-12:00");
  }
  if (*start >= *end) {
    return bad("bad_hours", "interval '" + cleaned + "' must end after it starts");
  }
  return OpenInterval{*start, *end};
}

std::string format_open_interval(const OpenInterval& interval) {
  return format_minute_of_day(interval.start_minute) + "-" +
         format_minute_of_day(interval.end_minute);
}

Status check_day_hours(const std::vector<OpenInterval>& hours) {
  for (std::size_t i = 0; i < hours.size(); ++i) {
    const auto& interval = hours[i];
    if (interval.start_minute < 0 || interval.end_minute > kMinutesPerDay ||
        interval.start_minute >= interval.end_minute) {
      return bad("bad_hours", "interval " + format_open_interval(interval) + " is not valid");
    }
    if (i > 0 && hours[i - 1].end_minute > interval.start_minute) {
      return bad("bad_hours", "intervals " + format_open_interval(hours[i - 1]) + " and " +
                                  format_open_interval(interval) + " overlap or are out of order");
    }
  }
  return ok_status();
}

Result<std::vector<OpenInterval>> parse_day_hours(const std::vector<std::string>& texts) {
  std::vector<OpenInterval> hours;
  for (const auto& text : texts) {
    auto interval = parse_open_interval(text);
    if (!interval) return interval.error();
    hours.push_back(*interval);
  }
  std::sort(hours.begin(), hours.end(), [](const OpenInterval& a, const OpenInterval& b) {
    return a.start_minute < b.start_minute;
  });
  if (auto checked = check_day_hours(hours); !checked) return checked.error();
  return hours;
}

std::optional<year_month_day> parse_calendar_date(std::string_view text) {
  const char separator = text.find('/') != std::string_view::npos ? '/' : '-';
  const auto first = text.find(separator);
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = text.find(separator, first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string_view year_text = text.substr(0, first);
  const std::string_view month_text = text.substr(first + 1, second - first - 1);
  const std::string_view day_text = text.substr(second + 1);
  if (year_text.size() != 4 || month_text.size() > 2 || day_text.size() > 2) return std::nullopt;
  const auto year_value = parse_int(year_text);
  const auto month_value = parse_int(month_text);
  const auto day_value = parse_int(day_text);
  if (!year_value || !month_value || !day_value || *month_value < 1 || *day_value < 1) {
    return std::nullopt;
  }
  const year_month_day date{year{*year_value}, month{static_cast<unsigned>(*month_value)},
                            day{static_cast<unsigned>(*day_value)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string format_calendar_date(year_month_day date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::string_view to_string(CalendarException::Kind kind) {
  return kind == CalendarException::Kind::holiday ? "holiday" : "workday";
}

WorkingCalendar WorkingCalendar::always_open() {
  WorkingCalendar calendar;
  for (auto& day : calendar.weekly_) day = {OpenInterval{0, kMinutesPerDay}};
  return calendar;
}

WorkingCalendar WorkingCalendar::standard_office_hours() {
  WorkingCalendar calendar;
  const std::vector<OpenInterval> office = {{8 * 60 + 30, 12 * 60}, {13 * 60 + 30, 17 * 60 + 30}};
  for (std::size_t day = 0; day < 5; ++day) calendar.weekly_[day] = office;
  return calendar;
}

Result<WorkingCalendar> WorkingCalendar::from_json(const nlohmann::json& json) {
  if (!json.is_object()) return bad("bad_calendar", "calendar must be a JSON object");
  WorkingCalendar calendar;
  if (json.contains("utc_offset")) {
    if (!json["utc_offset"].is_string()) return bad("bad_offset", "utc_offset must be a string");
    auto offset = parse_utc_offset(json["utc_offset"].get<std::string>());
    if (!offset) return offset.error();
    calendar.utc_offset_minutes_ = *offset;
  }
  if (!json.contains("weekly") || !json["weekly"].is_object()) {
    return bad("bad_calendar", "weekly must be an object with keys mon..sun");
  }
  for (const auto& [key, value] : json["weekly"].items()) {
    const auto found = std::find(kDayKeys.begin(), kDayKeys.end(), key);
    if (found == kDayKeys.end()) return bad("bad_calendar", "weekly: unknown day '" + key + "'");
    auto hours = hours_from_json(value, "weekly." + key);
    if (!hours) return hours.error();
    calendar.weekly_[static_cast<std::size_t>(found - kDayKeys.begin())] = std::move(*hours);
  }
  if (json.contains("makeup_hours")) {
    auto hours = hours_from_json(json["makeup_hours"], "makeup_hours");
    if (!hours) return hours.error();
    calendar.makeup_hours_ = std::move(*hours);
  }
  if (json.contains("exceptions")) {
    if (!json["exceptions"].is_array()) return bad("bad_calendar", "exceptions must be a list");
    for (const auto& item : json["exceptions"]) {
      if (!item.is_object() || !item.contains("date") || !item["date"].is_string() ||
          !item.contains("type") || !item["type"].is_string()) {
        return bad("bad_exception", "each exception needs a date and a type");
      }
      const std::string date_text = item["date"].get<std::string>();
      const auto date = parse_calendar_date(date_text);
      if (!date) return bad("bad_exception", "exception date '" + date_text + "' is not valid");
      CalendarException exception{*date, CalendarException::Kind::holiday, "", {}};
      const std::string type = item["type"].get<std::string>();
      if (type == "workday") {
        exception.kind = CalendarException::Kind::workday;
      } else if (type != "holiday") {
        return bad("bad_exception", date_text + ": type must be holiday or workday");
      }
      if (item.contains("name")) {
        if (!item["name"].is_string()) return bad("bad_exception", date_text + ": bad name");
        exception.name = item["name"].get<std::string>();
      }
      if (item.contains("hours")) {
        auto hours = hours_from_json(item["hours"], date_text);
        if (!hours) return hours.error();
        exception.hours = std::move(*hours);
      }
      if (calendar.exception_on(*date) != nullptr) {
        return bad("bad_exception", date_text + ": more than one exception on that date");
      }
      if (auto added = calendar.set_exception(std::move(exception)); !added) {
        return added.error();
      }
    }
  }
  return calendar;
}

nlohmann::json WorkingCalendar::to_json() const {
  nlohmann::json json;
  json["utc_offset"] = format_utc_offset(utc_offset_minutes_);
  json["weekly"] = nlohmann::json::object();
  for (std::size_t day = 0; day < kDayKeys.size(); ++day) {
    json["weekly"][std::string(kDayKeys[day])] = hours_to_json(weekly_[day]);
  }
  if (makeup_hours_) json["makeup_hours"] = hours_to_json(*makeup_hours_);
  json["exceptions"] = nlohmann::json::array();
  for (const auto& [date, exception] : exceptions_) {
    nlohmann::json item = {{"date", format_calendar_date(exception.date)},
                           {"type", std::string(to_string(exception.kind))},
                           {"name", exception.name}};
    if (!exception.hours.empty()) item["hours"] = hours_to_json(exception.hours);
    json["exceptions"].push_back(std::move(item));
  }
  return json;
}

Status WorkingCalendar::set_utc_offset_minutes(int minutes) {
  if (minutes < -14 * 60 || minutes > 14 * 60) return bad("bad_offset", "utc offset out of range");
  utc_offset_minutes_ = minutes;
  return ok_status();
}

Status WorkingCalendar::set_day_hours(weekday day, std::vector<OpenInterval> hours) {
  if (!day.ok()) return bad("bad_hours", "no such weekday");
  if (auto checked = check_day_hours(hours); !checked) return checked;
  weekly_[day_index(day)] = std::move(hours);
  return ok_status();
}

const std::vector<OpenInterval>& WorkingCalendar::day_hours(weekday day) const {
  return weekly_[day_index(day)];
}

Status WorkingCalendar::set_makeup_hours(std::vector<OpenInterval> hours) {
  if (auto checked = check_day_hours(hours); !checked) return checked;
  makeup_hours_ = std::move(hours);
  return ok_status();
}

const std::vector<OpenInterval>& WorkingCalendar::makeup_hours() const {
  return makeup_hours_ ? *makeup_hours_ : weekly_[0];
}

Status WorkingCalendar::set_exception(CalendarException exception) {
  if (!exception.date.ok()) return bad("bad_exception", "exception date is not valid");
  if (exception.kind == CalendarException::Kind::holiday && !exception.hours.empty()) {
    return bad("bad_exception",
               format_calendar_date(exception.date) + ": a holiday has no opening hours");
  }
  if (auto checked = check_day_hours(exception.hours); !checked) return checked;
  const sys_days key{exception.date};
  exceptions_.insert_or_assign(key, std::move(exception));
  return ok_status();
}

void WorkingCalendar::remove_exception(year_month_day date) {
  exceptions_.erase(sys_days{date});
}

const CalendarException* WorkingCalendar::exception_on(year_month_day date) const {
  const auto found = exceptions_.find(sys_days{date});
  return found == exceptions_.end() ? nullptr : &found->second;
}

std::vector<CalendarException> WorkingCalendar::exceptions() const {
  std::vector<CalendarException> list;
  for (const auto& [date, exception] : exceptions_) list.push_back(exception);
  return list;
}

const std::vector<OpenInterval>& WorkingCalendar::hours_on(year_month_day date) const {
  static const std::vector<OpenInterval> closed;
  if (const auto* exception = exception_on(date)) {
    if (exception->kind == CalendarException::Kind::holiday) return closed;
    return exception->hours.empty() ? makeup_hours() : exception->hours;
  }
  return weekly_[day_index(weekday{sys_days{date}})];
}

year_month_day WorkingCalendar::local_date(EpochMs at) const {
  const EpochMs local = at + utc_offset_minutes_ * kMsPerMinute;
  return year_month_day{sys_days{days{floor_div(local, kMsPerDay)}}};
}

EpochMs WorkingCalendar::local_midnight_utc(sys_days day) const {
  return day.time_since_epoch().count() * kMsPerDay - utc_offset_minutes_ * kMsPerMinute;
}

bool WorkingCalendar::is_open(EpochMs at) const {
  const year_month_day date = local_date(at);
  const EpochMs since_midnight = at - local_midnight_utc(sys_days{date});
  for (const auto& interval : hours_on(date)) {
    if (since_midnight >= interval.start_minute * kMsPerMinute &&
        since_midnight < interval.end_minute * kMsPerMinute) {
      return true;
    }
  }
  return false;
}

std::optional<EpochMs> WorkingCalendar::next_change(EpochMs from, bool currently_open) const {
  // Every change happens at an interval edge; edges that merely join two intervals (24:00
  // followed by 00:00) are skipped by re-checking the state just there.
  const sys_days first_day{local_date(from)};
  for (int offset = 0; offset < kSearchHorizonDays; ++offset) {
    const sys_days day = first_day + days{offset};
    const EpochMs midnight = local_midnight_utc(day);
    for (const auto& interval : hours_on(year_month_day{day})) {
      for (const int minute : {interval.start_minute, interval.end_minute}) {
        const EpochMs edge = midnight + minute * kMsPerMinute;
        if (edge > from && is_open(edge) != currently_open) return edge;
      }
    }
  }
  return std::nullopt;
}

std::optional<EpochMs> WorkingCalendar::next_opening(EpochMs from) const {
  if (is_open(from)) return from;
  return next_change(from, false);
}

std::optional<EpochMs> WorkingCalendar::next_closing(EpochMs from) const {
  if (!is_open(from)) return from;
  return next_change(from, true);
}

}  // namespace hotline::ivr
