#pragma once
// A small CSV reader for administrators' imports: a header line and rows of the same width.
// UTF-8 with or without a byte-order mark, LF or CRLF line ends, blank lines skipped, fields
// optionally double-quoted ("" inside quotes is one quote; a quoted field stays on its line).
// Every bad line is reported with its 1-based line number, so an import can be all or nothing.
#include <string>
#include <string_view>
#include <vector>

namespace hotline::api {

struct CsvLineError {
  int line = 0;
  std::string message;  // never repeats the line's content (it may be personal data)
};

struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;
};

struct CsvTable {
  std::vector<std::string> header;  // empty when the file has no lines
  std::vector<CsvRow> rows;         // only well-formed rows of the header's width
  std::vector<CsvLineError> errors;
  bool ok() const { return errors.empty(); }
};

CsvTable parse_csv_table(std::string_view text);

}  // namespace hotline::api
