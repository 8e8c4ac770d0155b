#pragma once
// Wall-clock time as milliseconds since the Unix epoch, and its ISO-8601 text form.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hotline {

using EpochMs = std::int64_t;

EpochMs now_ms();
// "2026-11-28T17:16:11Z" (UTC, second precision; milliseconds are dropped).
std::string format_iso8601(EpochMs ms);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)" and "YYYY-MM-DD" (midnight UTC).
std::optional<EpochMs> parse_iso8601(std::string_view text);

}  // namespace hotline
