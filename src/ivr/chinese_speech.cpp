#include "ivr/chinese_speech.hpp"

#include <array>
#include <vector>

namespace hotline::ivr {

namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 10> kDigits = {"零", "一", "二", "三", "四",
                                                      "五", "六", "七", "八", "九"};
constexpr std::string_view kTwoAsCount = "两";
constexpr std::uint64_t kLargestSpoken = 9'999'999'999'999'999ULL;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// One group of four digits (0..9999). `leading` is the highest group of the whole number,
// where 10..19 start with 十 rather than 一十; `two_as_count` reads a lone 2 as 两 (两万).
std::string say_group(unsigned value, bool leading, bool two_as_count) {
  static constexpr std::array<std::string_view, 4> kUnits = {"千", "百", "十", ""};
  const std::array<unsigned, 4> digits = {value / 1000, value / 100 % 10, value / 10 % 10,
                                          value % 10};
  std::string text;
  bool started = false;
  bool pending_zero = false;
  for (std::size_t position = 0; position < digits.size(); ++position) {
    const unsigned digit = digits[position];
    if (digit == 0) {
      pending_zero = started;
      continue;
    }
    if (pending_zero) text += kDigits[0];
    pending_zero = false;
    const bool tens_only = position == 2 && digit == 1 && !started && leading;
    if (!tens_only) {
      // 两千, 两百 but 二十, 十二; a lone 2 before 万/亿 is 两 too.
      const bool two_before_unit =
          digit == 2 && (position <= 1 || (position == 3 && !started && two_as_count));
      text += two_before_unit ? kTwoAsCount : kDigits[digit];
    }
    text += kUnits[position];
    started = true;
  }
  return text;
}

std::string say_unsigned(std::uint64_t value, bool two_as_count) {
  if (value == 0) return std::string(kDigits[0]);
  if (value > kLargestSpoken) return say_digits(std::to_string(value), DigitOne::yi);
  static constexpr std::array<std::string_view, 4> kGroupUnits = {"", "万", "亿", "万亿"};
  std::array<unsigned, 4> groups{};
  for (auto& group : groups) {
    group = static_cast<unsigned>(value % 10000);
    value /= 10000;
  }
  std::string text;
  bool first = true;
  bool skipped_zero_group = false;
  for (std::size_t k = groups.size(); k-- > 0;) {
    const unsigned group = groups[k];
    if (group == 0) {
      skipped_zero_group = !first;
      continue;
    }
    if (!first && (skipped_zero_group || group < 1000)) text += kDigits[0];
    text += say_group(group, first, k > 0 || two_as_count);
    text += kGroupUnits[k];
    first = false;
    skipped_zero_group = false;
  }
  return text;
}

std::string say_signed(std::int64_t value, bool two_as_count) {
  if (value >= 0) return say_unsigned(static_cast<std::uint64_t>(value), two_as_count);
  // Negate in unsigned arithmetic so that INT64_MIN does not overflow.
  return "负" + say_unsigned(0 - static_cast<std::uint64_t>(value), two_as_count);
}

struct DecimalParts {
  bool negative = false;
  std::string_view whole;
  std::string_view fraction;
};

std::optional<DecimalParts> split_decimal(std::string_view text) {
  DecimalParts parts;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    parts.negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const auto point = text.find('.');
  parts.whole = text.substr(0, point);
  if (point != std::string_view::npos) {
    parts.fraction = text.substr(point + 1);
    if (parts.fraction.empty()) return std::nullopt;
  }
  if (parts.whole.empty() || parts.whole.size() > 16) return std::nullopt;
  for (const char c : parts.whole) {
    if (!is_digit(c)) return std::nullopt;
  }
  for (const char c : parts.fraction) {
    if (!is_digit(c)) return std::nullopt;
  }
  return parts;
}

std::int64_t digits_value(std::string_view digits) {
  std::int64_t value = 0;
  for (const char c : digits) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

std::string say_digits(std::string_view text, DigitOne one) {
  std::string spoken;
  for (const char c : text) {
    if (c == '1') {
      spoken += one == DigitOne::yao ? "幺" : "一";
    } else if (is_digit(c)) {
      spoken += kDigits[static_cast<std::size_t>(c - '0')];
    } else if (c == 'X' || c == 'x' || c == '*') {
      spoken += "叉";
    } else if (c == '+') {
      spoken += "加";
    }
  }
  return spoken;
}

std::string say_quantity(std::int64_t value) {
  return say_signed(value, false);
}

std::string say_count(std::int64_t value) {
  return say_signed(value, true);
}

std::optional<std::string> say_decimal(std::string_view text) {
  const auto parts = split_decimal(text);
  if (!parts) return std::nullopt;
  std::string spoken = parts->negative ? "负" : "";
  spoken += say_unsigned(static_cast<std::uint64_t>(digits_value(parts->whole)), false);
  if (!parts->fraction.empty()) spoken += "点" + say_digits(parts->fraction, DigitOne::yi);
  return spoken;
}

std::string say_money_cents(std::int64_t cents) {
  std::string spoken;
  std::uint64_t amount = static_cast<std::uint64_t>(cents);
  if (cents < 0) {
    spoken = "负";
    amount = 0 - amount;
  }
  const std::uint64_t yuan = amount / 100;
  const auto jiao = static_cast<std::size_t>(amount / 10 % 10);
  const auto fen = static_cast<std::size_t>(amount % 10);
  auto digit_word = [](std::size_t digit) { return digit == 2 ? kTwoAsCount : kDigits[digit]; };
  if (yuan > 0 || (jiao == 0 && fen == 0)) spoken += say_unsigned(yuan, true) + "元";
  if (jiao == 0 && fen == 0) return yuan > 0 ? spoken + "整" : spoken;
  if (jiao > 0) {
    spoken += std::string(digit_word(jiao)) + "角";
  } else if (yuan > 0) {
    spoken += kDigits[0];
  }
  if (fen > 0) spoken += std::string(digit_word(fen)) + "分";
  return spoken;
}

std::optional<std::string> say_money(std::string_view amount) {
  const auto parts = split_decimal(amount);
  if (!parts || parts->whole.size() > 14) return std::nullopt;
  std::string_view fraction = parts->fraction;
  while (fraction.size() > 2 && fraction.back() == '0') fraction.remove_suffix(1);
  if (fraction.size() > 2) return std::nullopt;
  std::int64_t cents = digits_value(parts->whole) * 100;
  if (!fraction.empty()) cents += (fraction[0] - '0') * 10;
  if (fraction.size() > 1) cents += fraction[1] - '0';
  return say_money_cents(parts->negative ? -cents : cents);
}

std::string say_date(year_month_day date, bool with_year) {
  std::string spoken;
  if (with_year) {
    // Years are read digit by digit, zero as 〇: 二〇二六年.
    for (const char c : std::to_string(static_cast<int>(date.year()))) {
      spoken += c == '0' ? "〇" : std::string(kDigits[static_cast<std::size_t>(c - '0')]);
    }
    spoken += "年";
  }
  spoken += say_quantity(static_cast<unsigned>(date.month())) + "月";
  spoken += say_quantity(static_cast<unsigned>(date.day())) + "日";
  return spoken;
}

std::string say_time(int hour, int minute) {
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return {};
  std::string spoken;
  if (hour < 6) {
    spoken = "凌晨";
  } else if (hour < 12) {
    spoken = "上午";
  } else if (hour == 12) {
    spoken = "中午";
  } else if (hour < 18) {
    spoken = "下午";
  } else {
    spoken = "晚上";
  }
  const int clock_hour = hour > 12 ? hour - 12 : hour;
  spoken += say_count(clock_hour) + "点";
  if (minute > 0) {
    if (minute < 10) spoken += kDigits[0];
    spoken += say_quantity(minute) + "分";
  }
  return spoken;
}

std::string say_weekday(weekday day) {
  static constexpr std::array<std::string_view, 7> kNames = {"日", "一", "二", "三",
                                                             "四", "五", "六"};
  if (!day.ok()) return {};
  return "星期" + std::string(kNames[day.c_encoding()]);
}

std::string say_duration(std::int64_t count, DurationUnit unit) {
  std::string_view word;
  switch (unit) {
    case DurationUnit::minutes:
      word = "分钟";
      break;
    case DurationUnit::hours:
      word = "个小时";
      break;
    case DurationUnit::days:
      word = "天";
      break;
    case DurationUnit::working_days:
      word = "个工作日";
      break;
    case DurationUnit::weeks:
      word = "个星期";
      break;
    case DurationUnit::months:
      word = "个月";
      break;
    case DurationUnit::years:
      word = "年";
      break;
  }
  return say_count(count) + std::string(word);
}

}  // namespace hotline::ivr
