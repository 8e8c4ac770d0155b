#include "api/csv_table.hpp"

#include <optional>

namespace hotline::api {

namespace {

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    if (c < 0x80)
      extra = 0;
    else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
      extra = 1;
    else if ((c & 0xF0) == 0xE0)
      extra = 2;
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
      extra = 3;
    else
      return false;
    if (i + extra >= text.size() && extra > 0) return false;
    for (std::size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    i += extra + 1;
  }
  return true;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// One line's fields; nullopt with `problem` set when a quote is not closed or is followed by
// something other than a comma.
std::optional<std::vector<std::string>> split_line(std::string_view line, std::string& problem) {
  std::vector<std::string> fields;
  std::size_t i = 0;
  while (true) {
    std::string field;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field += line[i++];
      }
      if (!closed) {
        problem = "a quoted field is not closed";
        return std::nullopt;
      }
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i < line.size() && line[i] != ',') {
        problem = "text after a closing quote";
        return std::nullopt;
      }
    } else {
      const auto comma = line.find(',', i);
      const auto end = comma == std::string_view::npos ? line.size() : comma;
      field = trimmed(line.substr(i, end - i));
      i = end;
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  return fields;
}

}  // namespace

CsvTable parse_csv_table(std::string_view text) {
  CsvTable table;
  if (text.size() >= 2 &&
      ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF'))) {
    table.errors.push_back({1, "the file is UTF-16: save it as UTF-8 (CSV UTF-8)"});
    return table;
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trimmed(line).empty()) continue;
    if (!is_valid_utf8(line)) {
      table.errors.push_back({number, "not UTF-8 text: save the file as UTF-8 (CSV UTF-8)"});
      continue;
    }
    std::string problem;
    auto fields = split_line(line, problem);
    if (!fields) {
      table.errors.push_back({number, problem});
      continue;
    }
    if (table.header.empty()) {
      table.header = std::move(*fields);
      continue;
    }
    if (fields->size() != table.header.size()) {
      table.errors.push_back({number, "expected " + std::to_string(table.header.size()) +
                                          " columns, found " + std::to_string(fields->size())});
      continue;
    }
    table.rows.push_back({number, std::move(*fields)});
  }
  return table;
}

}  // namespace hotline::api
