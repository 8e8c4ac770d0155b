#pragma once
// PRC resident ID numbers (GB 11643-1999): 6-digit region code, 8-digit birth date YYYYMMDD,
// 3-digit sequence, and a MOD 11-2 check character (0-9 or X). Keyed on a telephone keypad,
// `*` stands for the final X. Validation happens before any lookup, so that a mistyped number
// costs no query. For display and logs use hotline::mask_id_number (common/masking.hpp).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hotline::ivr {

enum class IdNumberProblem { wrong_length, bad_characters, bad_birth_date, bad_check_digit };

std::string_view to_string(IdNumberProblem problem);

struct IdNumberCheck {
  // The normalised number (upper-case X) when valid; empty otherwise, so that an invalid
  // number is not carried further by accident.
  std::string normalized;
  std::optional<IdNumberProblem> problem;
  bool ok() const { return !problem.has_value(); }
};

// The check character for the first 17 digits; '\0' when `first17` is not 17 digits.
char id_number_check_character(std::string_view first17);

// `today` is the site's local date: a birth date after it is not plausible, nor one before
// 1900-01-01. Checks run in the order of the problem list, and the first failing one is reported.
IdNumberCheck check_id_number(std::string_view keyed, std::chrono::year_month_day today);
// Same, with today's date in China (UTC+08:00).
IdNumberCheck check_id_number(std::string_view keyed);

}  // namespace hotline::ivr
