#include "ivr/calendar_csv.hpp"

#include <chrono>
#include <map>
#include <optional>

namespace hotline::ivr {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. Files saved by Excel
// in the legacy GBK code page fail here, which is the point: they would import as garbage.
bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned min_code = 0;
    unsigned code = 0;
    if (byte < 0x80) {
      ++i;
      continue;
    } else if ((byte & 0xE0) == 0xC0) {
      length = 2, min_code = 0x80, code = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3, min_code = 0x800, code = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4, min_code = 0x10000, code = byte & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

// One CSV record on one line (RFC 4180 quoting, no line breaks inside fields).
std::optional<std::vector<std::string>> split_fields(std::string_view line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(trim(field));
      field.clear();
    } else {
      field += c;
    }
  }
  if (quoted) return std::nullopt;
  fields.push_back(trim(field));
  return fields;
}

std::optional<CalendarException::Kind> parse_kind(const std::string& text) {
  std::string lower;
  for (const char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "holiday" || lower == "休" || lower == "假") return CalendarException::Kind::holiday;
  if (lower == "workday" || lower == "班") return CalendarException::Kind::workday;
  return std::nullopt;
}

std::vector<std::string> split_hours(const std::string& text) {
  std::vector<std::string> parts;
  std::string part;
  for (const char c : text) {
    if (c == ';' || c == ' ') {
      if (!part.empty()) parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  if (!part.empty()) parts.push_back(part);
  return parts;
}

bool is_header(const std::vector<std::string>& fields) {
  std::string first;
  for (const char c : fields.front()) first += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return first == "date" || first == "日期";
}

}  // namespace

CalendarCsvImport parse_calendar_csv(std::string_view text) {
  CalendarCsvImport result;
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    text.remove_prefix(kByteOrderMark.size());
  }
  std::map<std::chrono::sys_days, int> line_of_date;
  bool seen_record = false;
  int line_number = 0;
  std::size_t position = 0;
  while (position <= text.size()) {
    auto end = text.find('\n', position);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(position, end - position);
    position = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto fail = [&](std::string reason) {
      result.errors.push_back({line_number, std::move(reason)});
    };
    if (trim(line).empty() || trim(line).front() == '#') continue;
    if (!is_valid_utf8(line)) {
      fail("not UTF-8 text: save the file as \"CSV UTF-8\"");
      continue;
    }
    const auto fields = split_fields(line);
    if (!fields) {
      fail("unterminated quote");
      continue;
    }
    const bool first_record = !seen_record;
    seen_record = true;
    if (first_record && is_header(*fields)) continue;
    if (fields->size() < 2 || fields->size() > 4) {
      fail("expected date,type,name[,hours] but found " + std::to_string(fields->size()) +
           " field(s)");
      continue;
    }
    const auto date = parse_calendar_date((*fields)[0]);
    if (!date) {
      fail("date '" + (*fields)[0] + "' is not a valid date like 2026-10-01 or 2026/10/1");
      continue;
    }
    const auto kind = parse_kind((*fields)[1]);
    if (!kind) {
      fail("type '" + (*fields)[1] + "' must be holiday/休/假 or workday/班");
      continue;
    }
    CalendarException row{*date, *kind, fields->size() > 2 ? (*fields)[2] : "", {}};
    if (fields->size() > 3 && !(*fields)[3].empty()) {
      if (*kind == CalendarException::Kind::holiday) {
        fail("a holiday has no opening hours");
        continue;
      }
      auto hours = parse_day_hours(split_hours((*fields)[3]));
      if (!hours) {
        fail(hours.error().message);
        continue;
      }
      row.hours = std::move(*hours);
    }
    const auto [previous, inserted] =
        line_of_date.emplace(std::chrono::sys_days{*date}, line_number);
    if (!inserted) {
      fail("date " + format_calendar_date(*date) + " is already on line " +
           std::to_string(previous->second));
      continue;
    }
    result.rows.push_back(std::move(row));
  }
  if (result.errors.empty() && result.rows.empty()) {
    result.errors.push_back({line_number, "the file holds no dates"});
  }
  if (!result.errors.empty()) result.rows.clear();
  return result;
}

}  // namespace hotline::ivr
