#pragma once
// Import of a year's calendar exceptions (holidays and make-up working days) from CSV text, as
// an administrator downloads or types it from the State Council's yearly holiday notice:
//   date,type,name[,hours]
//   2026-10-01,休,国庆节
//   2026/10/10,班,国庆节调休,08:30-12:00;13:30-17:30
// All or nothing: any bad line means no rows, and every bad line is reported.
#include <string>
#include <string_view>
#include <vector>

#include "ivr/working_calendar.hpp"

namespace hotline::ivr {

struct CalendarCsvLineError {
  int line = 0;        // 1-based line number in the file
  std::string reason;  // one line for the administrator
};

struct CalendarCsvImport {
  std::vector<CalendarException> rows;       // empty whenever `errors` is not
  std::vector<CalendarCsvLineError> errors;  // empty on success
  bool ok() const { return errors.empty(); }
};

// UTF-8 with or without a byte-order mark, LF or CRLF line ends, an optional header line
// (first field "date" or "日期"), blank lines and lines starting with '#' ignored. Fields may be
// double-quoted. type: holiday | 休 | 假 (closed) or workday | 班 (open, make-up day).
// hours (workday only): intervals separated by ';' or spaces; empty means the make-up hours.
CalendarCsvImport parse_calendar_csv(std::string_view text);

}  // namespace hotline::ivr
