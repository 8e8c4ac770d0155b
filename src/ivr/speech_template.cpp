#include "ivr/speech_template.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "ivr/chinese_speech.hpp"
#include "ivr/working_calendar.hpp"

namespace hotline::ivr {

namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 8> kFormatters = {"date",  "date_year", "digits", "number",
                                                         "count", "money",     "time",   "weekday"};

struct Segment {
  std::string literal;    // text to copy when `field` is empty
  std::string field;      // dotted path
  std::string formatter;  // empty: the default rendering
};

Error template_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_name_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

Result<std::vector<Segment>> parse_template(std::string_view text) {
  std::vector<Segment> segments;
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal += '}';
        ++i;
        continue;
      }
      return template_error("bad_template", "a lone '}' at offset " + std::to_string(i));
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      ++i;
      continue;
    }
    const auto close = text.find('}', i);
    if (close == std::string_view::npos) {
      return template_error("bad_template", "unclosed '{' at offset " + std::to_string(i));
    }
    const std::string_view inside = text.substr(i + 1, close - i - 1);
    const auto colon = inside.find(':');
    Segment segment{{}, std::string(inside.substr(0, colon)), {}};
    if (colon != std::string_view::npos) segment.formatter = std::string(inside.substr(colon + 1));
    if (segment.field.empty() ||
        !std::all_of(segment.field.begin(), segment.field.end(), is_name_character)) {
      return template_error("bad_template", "bad field name '" + std::string(inside) + "'");
    }
    if (colon != std::string_view::npos &&
        std::find(kFormatters.begin(), kFormatters.end(), segment.formatter) == kFormatters.end()) {
      return template_error("bad_template",
                            segment.field + ": unknown format '" + segment.formatter + "'");
    }
    if (!literal.empty()) segments.push_back(Segment{std::move(literal), {}, {}});
    literal.clear();
    segments.push_back(std::move(segment));
    i = close;
  }
  if (!literal.empty()) segments.push_back(Segment{std::move(literal), {}, {}});
  return segments;
}

const nlohmann::json* find_field(const nlohmann::json& fields, const std::string& path) {
  const nlohmann::json* node = &fields;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot - start);
    if (!node->is_object()) return nullptr;
    const auto found = node->find(key);
    if (found == node->end()) return nullptr;
    node = &*found;
    if (dot == std::string::npos) return node;
    start = dot + 1;
  }
}

// A number, or a string holding one, as decimal text ("12", "12.5").
std::optional<std::string> numeric_text(const nlohmann::json& value) {
  if (value.is_number_integer()) return value.dump();
  if (value.is_number_float()) {
    const double number = value.get<double>();
    if (!std::isfinite(number)) return std::nullopt;
    if (number == std::floor(number) && std::fabs(number) < 1e15) {
      return std::to_string(static_cast<long long>(number));
    }
    return value.dump();
  }
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (say_decimal(text)) return text;
  }
  return std::nullopt;
}

std::optional<std::int64_t> integer_value(const nlohmann::json& value) {
  const auto text = numeric_text(value);
  if (!text || text->find('.') != std::string::npos || text->size() > 17) return std::nullopt;
  return std::stoll(*text);
}

// "2026-12-12", "2026/12/12", "20261212", or an ISO date-time whose date part is used as is.
std::optional<year_month_day> date_value(const nlohmann::json& value) {
  if (!value.is_string()) return std::nullopt;
  std::string text = value.get<std::string>();
  if (text.size() == 8 && std::all_of(text.begin(), text.end(), is_ascii_digit)) {
    text = text.substr(0, 4) + "-" + text.substr(4, 2) + "-" + text.substr(6, 2);
  }
  const auto t = text.find('T');
  if (t != std::string::npos) text.resize(t);
  return parse_calendar_date(text);
}

// "15:30", "15:30:00", or a date-time "2026-12-12T15:30..." read in local time as written.
std::optional<std::pair<int, int>> time_value(const nlohmann::json& value) {
  if (!value.is_string()) return std::nullopt;
  std::string text = value.get<std::string>();
  const auto t = text.find_first_of("T ");
  if (t != std::string::npos) text = text.substr(t + 1);
  if (text.size() < 5 || text[2] != ':' || !is_ascii_digit(text[0]) || !is_ascii_digit(text[1]) ||
      !is_ascii_digit(text[3]) || !is_ascii_digit(text[4])) {
    return std::nullopt;
  }
  const int hour = (text[0] - '0') * 10 + (text[1] - '0');
  const int minute = (text[3] - '0') * 10 + (text[4] - '0');
  if (hour > 23 || minute > 59) return std::nullopt;
  return std::make_pair(hour, minute);
}

std::optional<std::string> format_value(const nlohmann::json& value, const std::string& format) {
  if (format.empty()) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number()) {
      const auto text = numeric_text(value);
      return text ? say_decimal(*text) : std::nullopt;
    }
    return std::nullopt;
  }
  if (format == "number") {
    const auto text = numeric_text(value);
    return text ? say_decimal(*text) : std::nullopt;
  }
  if (format == "count") {
    const auto count = integer_value(value);
    if (!count) return std::nullopt;
    return say_count(*count);
  }
  if (format == "money") {
    if (value.is_number_float()) {
      const double amount = value.get<double>();
      if (!std::isfinite(amount) || std::fabs(amount) > 1e13) return std::nullopt;
      return say_money_cents(std::llround(amount * 100));
    }
    const auto text = numeric_text(value);
    return text ? say_money(*text) : std::nullopt;
  }
  if (format == "digits") {
    std::string text;
    if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
      text = value.dump();
    } else if (value.is_string()) {
      text = value.get<std::string>();
    }
    const std::string spoken = say_digits(text);
    if (spoken.empty()) return std::nullopt;
    return spoken;
  }
  if (format == "date" || format == "date_year" || format == "weekday") {
    const auto date = date_value(value);
    if (!date) return std::nullopt;
    if (format == "weekday") return say_weekday(weekday{sys_days{*date}});
    return say_date(*date, format == "date_year");
  }
  if (format == "time") {
    const auto time = time_value(value);
    if (!time) return std::nullopt;
    return say_time(time->first, time->second);
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> render_speech_template(std::string_view text, const nlohmann::json& fields) {
  auto segments = parse_template(text);
  if (!segments) return segments.error();
  std::string spoken;
  for (const auto& segment : *segments) {
    if (segment.field.empty()) {
      spoken += segment.literal;
      continue;
    }
    const nlohmann::json* value = find_field(fields, segment.field);
    if (value == nullptr || value->is_null()) {
      return template_error("missing_field", "field '" + segment.field + "' is missing");
    }
    const auto formatted = format_value(*value, segment.formatter);
    if (!formatted) {
      // The value itself may be personal data (an ID number): name the field only.
      return template_error("bad_value",
                            "field '" + segment.field + "' cannot be read as " +
                                (segment.formatter.empty() ? "text" : segment.formatter));
    }
    spoken += *formatted;
  }
  return spoken;
}

Status check_speech_template(std::string_view text) {
  auto segments = parse_template(text);
  if (!segments) return segments.error();
  return ok_status();
}

std::vector<std::string> speech_template_fields(std::string_view text) {
  std::vector<std::string> names;
  auto segments = parse_template(text);
  if (!segments) return names;
  for (const auto& segment : *segments) {
    if (!segment.field.empty() &&
        std::find(names.begin(), names.end(), segment.field) == names.end()) {
      names.push_back(segment.field);
    }
  }
  return names;
}

}  // namespace hotline::ivr
