// Working calendar (weekly hours, holidays, make-up working days, offset, next change) and the
// CSV import of a year's exceptions.
#include <gtest/gtest.h>

#include "common/clock.hpp"
#include "ivr/calendar_csv.hpp"
#include "ivr/working_calendar.hpp"

namespace hotline::ivr {
namespace {

using namespace std::chrono;

// Site-local time in China written as ISO-8601 with its offset.
EpochMs beijing(const std::string& local) {
  const auto parsed = parse_iso8601(local + "+08:00");
  EXPECT_TRUE(parsed.has_value()) << local;
  return parsed.value_or(0);
}

year_month_day date(int y, unsigned m, unsigned d) {
  return year_month_day{year{y}, month{m}, day{d}};
}

// The 2026 National Day pattern: 10-01..10-07 closed (10-05 is a Monday), Saturday 10-10 is a
// make-up working day.
WorkingCalendar national_day_calendar() {
  WorkingCalendar calendar = WorkingCalendar::standard_office_hours();
  for (unsigned d = 1; d <= 7; ++d) {
    EXPECT_TRUE(calendar.set_exception(
        {date(2026, 10, d), CalendarException::Kind::holiday, "国庆节", {}}));
  }
  EXPECT_TRUE(calendar.set_exception(
      {date(2026, 10, 10), CalendarException::Kind::workday, "国庆节调休", {}}));
  return calendar;
}

TEST(WorkingCalendar, OrdinaryWeekdayInsideAndOutsideHours) {
  const auto calendar = WorkingCalendar::standard_office_hours();
  EXPECT_TRUE(calendar.is_open(beijing("2026-09-28T09:00:00")));   // Monday morning
  EXPECT_TRUE(calendar.is_open(beijing("2026-09-28T15:00:00")));   // afternoon
  EXPECT_FALSE(calendar.is_open(beijing("2026-09-28T12:30:00")));  // lunch break
  EXPECT_FALSE(calendar.is_open(beijing("2026-09-28T07:59:00")));
  EXPECT_FALSE(calendar.is_open(beijing("2026-09-28T20:00:00")));
  EXPECT_FALSE(calendar.is_open(beijing("2026-10-11T10:00:00")));  // ordinary Sunday
}

TEST(WorkingCalendar, IntervalEdgesAreStartInclusiveEndExclusive) {
  const auto calendar = WorkingCalendar::standard_office_hours();
  const EpochMs opening = beijing("2026-09-28T08:30:00");
  EXPECT_FALSE(calendar.is_open(opening - 1));
  EXPECT_TRUE(calendar.is_open(opening));
  const EpochMs closing = beijing("2026-09-28T17:30:00");
  EXPECT_TRUE(calendar.is_open(closing - 1));
  EXPECT_FALSE(calendar.is_open(closing));
}

TEST(WorkingCalendar, HolidayMondayIsClosed) {
  const auto calendar = national_day_calendar();
  EXPECT_FALSE(calendar.is_open(beijing("2026-10-05T10:00:00")));
  EXPECT_FALSE(calendar.is_open(beijing("2026-10-01T09:00:00")));
  ASSERT_NE(calendar.exception_on(date(2026, 10, 5)), nullptr);
  EXPECT_EQ(calendar.exception_on(date(2026, 10, 5))->name, "国庆节");
  // The Friday after the holiday is an ordinary working day again.
  EXPECT_TRUE(calendar.is_open(beijing("2026-10-09T10:00:00")));
}

TEST(WorkingCalendar, MakeUpSaturdayIsOpenWithWeekdayHours) {
  const auto calendar = national_day_calendar();
  EXPECT_TRUE(calendar.is_open(beijing("2026-10-10T09:00:00")));
  EXPECT_FALSE(calendar.is_open(beijing("2026-10-10T12:30:00")));
  EXPECT_FALSE(calendar.is_open(beijing("2026-10-10T18:00:00")));
  EXPECT_FALSE(calendar.is_open(beijing("2026-10-11T09:00:00")));  // Sunday stays closed
}

TEST(WorkingCalendar, MakeUpDayWithItsOwnHours) {
  auto calendar = WorkingCalendar::standard_office_hours();
  ASSERT_TRUE(calendar.set_exception(
      {date(2026, 10, 10), CalendarException::Kind::workday, "调休", {{9 * 60, 11 * 60}}}));
  EXPECT_TRUE(calendar.is_open(beijing("2026-10-10T10:59:00")));
  EXPECT_FALSE(calendar.is_open(beijing("2026-10-10T11:00:00")));
  EXPECT_FALSE(calendar.is_open(beijing("2026-10-10T08:45:00")));
}

TEST(WorkingCalendar, MakeUpHoursFromJsonApplyToMakeUpDaysWithoutTheirOwn) {
  auto calendar = WorkingCalendar::from_json(nlohmann::json::parse(R"({
      "weekly": {"mon": ["08:30-17:30"]},
      "makeup_hours": ["09:00-12:00"],
      "exceptions": [{"date": "2026-10-10", "type": "workday", "name": "调休"}]})"));
  ASSERT_TRUE(calendar.ok()) << calendar.error().message;
  EXPECT_TRUE(calendar->is_open(beijing("2026-10-10T11:00:00")));
  EXPECT_FALSE(calendar->is_open(beijing("2026-10-10T14:00:00")));
  EXPECT_TRUE(calendar->is_open(beijing("2026-09-28T14:00:00")));  // Monday keeps its hours
  EXPECT_EQ(calendar->to_json()["makeup_hours"], nlohmann::json({"09:00-12:00"}));
}

TEST(WorkingCalendar, OffsetDecidesTheLocalDay) {
  const auto calendar = WorkingCalendar::standard_office_hours();
  // 01:00 UTC on Monday is 09:00 in Beijing: open.
  EXPECT_TRUE(calendar.is_open(*parse_iso8601("2026-09-28T01:00:00Z")));
  // 23:00 UTC on Sunday is already Monday 07:00 in Beijing: closed, but Monday.
  EXPECT_FALSE(calendar.is_open(*parse_iso8601("2026-09-27T23:00:00Z")));
  EXPECT_EQ(calendar.local_date(*parse_iso8601("2026-09-27T23:00:00Z")), date(2026, 9, 28));

  auto utc_site = WorkingCalendar::standard_office_hours();
  ASSERT_TRUE(utc_site.set_utc_offset_minutes(0));
  EXPECT_FALSE(utc_site.is_open(*parse_iso8601("2026-09-28T01:00:00Z")));
  EXPECT_TRUE(utc_site.is_open(*parse_iso8601("2026-09-28T09:00:00Z")));
  EXPECT_FALSE(utc_site.set_utc_offset_minutes(15 * 60));
}

TEST(WorkingCalendar, NextOpeningSkipsTheHolidayAndFindsTheMakeUpDay) {
  const auto calendar = national_day_calendar();
  // Wednesday evening before the holiday: next opening is Thursday 10-08, after it.
  const auto opening = calendar.next_opening(beijing("2026-09-30T18:00:00"));
  ASSERT_TRUE(opening.has_value());
  EXPECT_EQ(*opening, beijing("2026-10-08T08:30:00"));
  // Friday evening: the make-up Saturday, not Monday.
  EXPECT_EQ(calendar.next_opening(beijing("2026-10-09T18:00:00")), beijing("2026-10-10T08:30:00"));
  // Lunch break: opens again at 13:30 the same day.
  EXPECT_EQ(calendar.next_opening(beijing("2026-09-28T12:10:00")), beijing("2026-09-28T13:30:00"));
  // Already open: now.
  EXPECT_EQ(calendar.next_opening(beijing("2026-09-28T09:00:00")), beijing("2026-09-28T09:00:00"));
}

TEST(WorkingCalendar, NextClosing) {
  const auto calendar = national_day_calendar();
  EXPECT_EQ(calendar.next_closing(beijing("2026-09-28T09:00:00")), beijing("2026-09-28T12:00:00"));
  EXPECT_EQ(calendar.next_closing(beijing("2026-09-28T14:00:00")), beijing("2026-09-28T17:30:00"));
  EXPECT_EQ(calendar.next_closing(beijing("2026-09-28T20:00:00")), beijing("2026-09-28T20:00:00"));
}

TEST(WorkingCalendar, AlwaysOpenNeverCloses) {
  const auto calendar = WorkingCalendar::always_open();
  EXPECT_TRUE(calendar.is_open(beijing("2026-10-01T03:00:00")));
  EXPECT_TRUE(calendar.is_open(beijing("2026-10-04T23:59:59")));
  EXPECT_FALSE(calendar.next_closing(beijing("2026-10-01T03:00:00")).has_value());
}

TEST(WorkingCalendar, MidnightJoinIsNotAChange) {
  // Night service 22:00-24:00 Monday and 00:00-06:00 Tuesday is one stretch.
  WorkingCalendar calendar;
  ASSERT_TRUE(calendar.set_day_hours(Monday, {{22 * 60, 24 * 60}}));
  ASSERT_TRUE(calendar.set_day_hours(Tuesday, {{0, 6 * 60}}));
  EXPECT_TRUE(calendar.is_open(beijing("2026-09-28T23:59:59")));
  EXPECT_TRUE(calendar.is_open(beijing("2026-09-29T00:00:00")));
  EXPECT_EQ(calendar.next_closing(beijing("2026-09-28T23:00:00")), beijing("2026-09-29T06:00:00"));
}

TEST(WorkingCalendar, ClosedForeverHasNoOpening) {
  const WorkingCalendar calendar;
  EXPECT_FALSE(calendar.next_opening(beijing("2026-09-28T09:00:00")).has_value());
}

TEST(WorkingCalendar, JsonRoundTrip) {
  const auto calendar = national_day_calendar();
  const auto json = calendar.to_json();
  EXPECT_EQ(json["utc_offset"], "+08:00");
  EXPECT_EQ(json["weekly"]["mon"], nlohmann::json({"08:30-12:00", "13:30-17:30"}));
  EXPECT_EQ(json["weekly"]["sat"], nlohmann::json::array());
  auto parsed = WorkingCalendar::from_json(json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->to_json(), json);
  EXPECT_TRUE(parsed->is_open(beijing("2026-10-10T09:00:00")));
  EXPECT_FALSE(parsed->is_open(beijing("2026-10-05T10:00:00")));
}

TEST(WorkingCalendar, JsonErrorsAreValues) {
  const auto bad = [](const char* text) {
    return WorkingCalendar::from_json(nlohmann::json::parse(text));
  };
  EXPECT_EQ(bad(R"([])").error().code, "bad_calendar");
  EXPECT_EQ(bad(R"({"weekly": {"mon": ["9:00-8:00"]}})").error().code, "bad_hours");
  EXPECT_EQ(bad(R"({"weekly": {"mon": ["08:00-12:00", "11:00-13:00"]}})").error().code,
            "bad_hours");
  EXPECT_EQ(bad(R"({"weekly": {"mon": ["08:00-25:00"]}})").error().code, "bad_hours");
  EXPECT_EQ(bad(R"({"weekly": {"monday": []}})").error().code, "bad_calendar");
  EXPECT_EQ(bad(R"({"weekly": {}, "utc_offset": "8"})").error().code, "bad_offset");
  EXPECT_EQ(bad(R"({"weekly": {}, "exceptions": [{"date": "2026-02-30", "type": "holiday"}]})")
                .error()
                .code,
            "bad_exception");
  EXPECT_EQ(
      bad(R"({"weekly": {}, "exceptions": [{"date": "2026-10-01", "type": "休息"}]})").error().code,
      "bad_exception");
  EXPECT_EQ(bad(R"({"weekly": {}, "exceptions": [{"date": "2026-10-01", "type": "holiday",
                                                 "hours": ["08:00-09:00"]}]})")
                .error()
                .code,
            "bad_exception");
  // Unsorted intervals are sorted, not rejected.
  auto unsorted = bad(R"({"weekly": {"mon": ["13:00-14:00", "08:00-09:00"]}})");
  ASSERT_TRUE(unsorted.ok());
  EXPECT_EQ(unsorted->day_hours(Monday).front().start_minute, 8 * 60);
}

TEST(CalendarDate, AcceptsBothSeparatorsAndRejectsImpossibleDates) {
  EXPECT_EQ(parse_calendar_date("2026-10-01"), date(2026, 10, 1));
  EXPECT_EQ(parse_calendar_date("2026/10/1"), date(2026, 10, 1));
  EXPECT_EQ(parse_calendar_date("2028-02-29"), date(2028, 2, 29));
  EXPECT_FALSE(parse_calendar_date("2026-02-29").has_value());
  EXPECT_FALSE(parse_calendar_date("2026-13-01").has_value());
  EXPECT_FALSE(parse_calendar_date("26-10-01").has_value());
  EXPECT_FALSE(parse_calendar_date("2026-10").has_value());
  EXPECT_FALSE(parse_calendar_date("2026-1a-01").has_value());
}

TEST(CalendarCsv, GoodFileWithHeaderAndBothLanguages) {
  const auto import = parse_calendar_csv(
      "date,type,name,hours\n"
      "2026-10-01,holiday,国庆节\n"
      "2026/10/2,休,国庆节\n"
      "2026-10-05,假,\"国庆节, 中秋节\"\n"
      "\n"
      "# the make-up day\n"
      "2026-10-10,班,国庆节调休\n"
      "2026-10-11,Workday,调休,08:00-12:00;13:00-16:00\n");
  ASSERT_TRUE(import.ok()) << import.errors.front().line << ": " << import.errors.front().reason;
  ASSERT_EQ(import.rows.size(), 5u);
  EXPECT_EQ(import.rows[0].date, date(2026, 10, 1));
  EXPECT_EQ(import.rows[0].kind, CalendarException::Kind::holiday);
  EXPECT_EQ(import.rows[1].date, date(2026, 10, 2));
  EXPECT_EQ(import.rows[1].kind, CalendarException::Kind::holiday);
  EXPECT_EQ(import.rows[2].name, "国庆节, 中秋节");
  EXPECT_EQ(import.rows[3].kind, CalendarException::Kind::workday);
  EXPECT_EQ(import.rows[3].name, "国庆节调休");
  EXPECT_TRUE(import.rows[3].hours.empty());
  ASSERT_EQ(import.rows[4].hours.size(), 2u);
  EXPECT_EQ(import.rows[4].hours[1], (OpenInterval{13 * 60, 16 * 60}));

  // The rows apply to a calendar as they are.
  auto calendar = WorkingCalendar::standard_office_hours();
  for (const auto& row : import.rows) ASSERT_TRUE(calendar.set_exception(row));
  EXPECT_FALSE(calendar.is_open(beijing("2026-10-05T10:00:00")));
  EXPECT_TRUE(calendar.is_open(beijing("2026-10-10T10:00:00")));
  EXPECT_TRUE(calendar.is_open(beijing("2026-10-11T15:30:00")));
}

TEST(CalendarCsv, ByteOrderMarkCrLfAndNoHeader) {
  const auto import = parse_calendar_csv(
      "\xEF\xBB\xBF"
      "2026-10-01,休,国庆节\r\n"
      "2026-10-10,班,调休\r\n");
  ASSERT_TRUE(import.ok());
  ASSERT_EQ(import.rows.size(), 2u);
  EXPECT_EQ(import.rows[0].date, date(2026, 10, 1));
  EXPECT_EQ(import.rows[1].name, "调休");
}

TEST(CalendarCsv, ChineseHeaderIsSkipped) {
  const auto import = parse_calendar_csv("日期,类型,名称\n2026-10-01,休,国庆节\n");
  ASSERT_TRUE(import.ok());
  EXPECT_EQ(import.rows.size(), 1u);
}

TEST(CalendarCsv, EveryErrorKindWithItsLineAndNothingImported) {
  const auto import = parse_calendar_csv(
      "date,type,name\n"                 // 1 header
      "2026-10-01,休,国庆节\n"           // 2 fine
      "2026-02-30,休,bad date\n"         // 3 impossible date
      "2026-10-02,调休,x\n"              // 4 unknown type
      "2026-10-03\n"                     // 5 too few fields
      "2026-10-04,休,a,b,c\n"            // 6 too many fields
      "2026-10-10,班,x,8:00-7:00\n"      // 7 bad hours
      "2026-10-05,休,x,08:00-12:00\n"    // 8 hours on a holiday
      "2026-10-01,休,again\n"            // 9 duplicate date
      "2026-10-06,\"休,x\n"              // 10 unterminated quote
      "2026-10-07,\xB9\xFA\xC7\xEC\n");  // 11 GBK bytes, not UTF-8
  EXPECT_FALSE(import.ok());
  EXPECT_TRUE(import.rows.empty());
  ASSERT_EQ(import.errors.size(), 9u);
  const std::vector<int> lines = {3, 4, 5, 6, 7, 8, 9, 10, 11};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(import.errors[i].line, lines[i]) << import.errors[i].reason;
  }
  EXPECT_NE(import.errors[0].reason.find("2026-02-30"), std::string::npos);
  EXPECT_NE(import.errors[1].reason.find("调休"), std::string::npos);
  EXPECT_NE(import.errors[6].reason.find("line 2"), std::string::npos);
  EXPECT_NE(import.errors[8].reason.find("UTF-8"), std::string::npos);
}

TEST(CalendarCsv, OneBadLineImportsNothing) {
  const auto import = parse_calendar_csv("2026-10-01,休,国庆节\n2026-10-02,休息,国庆节\n");
  EXPECT_TRUE(import.rows.empty());
  ASSERT_EQ(import.errors.size(), 1u);
  EXPECT_EQ(import.errors[0].line, 2);
}

TEST(CalendarCsv, EmptyFileIsAnError) {
  EXPECT_FALSE(parse_calendar_csv("").ok());
  EXPECT_FALSE(parse_calendar_csv("date,type,name\n").ok());
}

}  // namespace
}  // namespace hotline::ivr
