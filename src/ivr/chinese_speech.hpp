#pragma once
// Chinese wording of dynamic values for text-to-speech (espeak-ng's Mandarin voice): numbers,
// money, dates, times, weekdays and durations written as the characters a person would say,
// because the engine reads Arabic digits inconsistently. Wording rules: docs/ivr_support.md.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hotline::ivr {

// How the digit 1 is read when digits are read one by one. Telephone practice in China reads it
// 幺 (yāo) so that it cannot be mistaken for 七; that is the default for phone and ID numbers.
enum class DigitOne { yao, yi };

// "13800138000" -> "幺三八零零幺三八零零零"; X/x/* (the ID check character) -> 叉, '+' -> 加;
// spaces, '-' and other separators are skipped.
std::string say_digits(std::string_view text, DigitOne one = DigitOne::yao);

// A quantity: 0 -> 零, 10 -> 十, 12 -> 十二, 105 -> 一百零五, 2000 -> 两千, 10010 -> 一万零一十,
// 100000000 -> 一亿; negative numbers get 负. A bare 2 is 二 (as in 第二, 二月); see say_count.
// Beyond 10^16 - 1 the digits are read one by one.
std::string say_quantity(std::int64_t value);
// A count before a measure word: like say_quantity, but a bare 2 is 两 (两天, 两个工作日).
std::string say_count(std::int64_t value);

// "12.5" -> 十二点五, "-0.25" -> 负零点二五, "7" -> 七; nullopt when the text is not a number.
std::optional<std::string> say_decimal(std::string_view text);

// Yuan, jiao, fen: 1250 cents -> 十二元五角, 1205 -> 十二元零五分, 1200 -> 十二元整, 50 -> 五角.
std::string say_money_cents(std::int64_t cents);
// "12.50" -> 十二元五角; at most two decimals (further zeros allowed); nullopt otherwise.
std::optional<std::string> say_money(std::string_view amount);

// 2026-12-12 -> 十二月十二日; with the year -> 二〇二六年十二月十二日.
std::string say_date(std::chrono::year_month_day date, bool with_year = false);

// 15:30 -> 下午三点三十分, 09:05 -> 上午九点零五分, 14:00 -> 下午两点, 12:10 -> 中午十二点十分.
// Periods: 凌晨 0-5, 上午 6-11, 中午 12, 下午 13-17, 晚上 18-23. Empty for an impossible time.
std::string say_time(int hour, int minute);

// 星期一 .. 星期六, 星期日.
std::string say_weekday(std::chrono::weekday day);

enum class DurationUnit { minutes, hours, days, working_days, weeks, months, years };
// 3 days -> 三天, 2 working days -> 两个工作日, 2 hours -> 两个小时, 30 minutes -> 三十分钟.
std::string say_duration(std::int64_t count, DurationUnit unit);

}  // namespace hotline::ivr
