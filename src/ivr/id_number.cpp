#include "ivr/id_number.hpp"

#include <array>

#include "common/clock.hpp"

namespace hotline::ivr {

namespace {

using namespace std::chrono;

constexpr std::size_t kIdLength = 18;
constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
// Indexed by (weighted sum mod 11).
constexpr std::string_view kCheckCharacters = "10X98765432";
constexpr EpochMs kChinaOffsetMs = 8 * 3'600'000;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int digits_value(std::string_view text) {
  int value = 0;
  for (const char c : text) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

std::string_view to_string(IdNumberProblem problem) {
  switch (problem) {
    case IdNumberProblem::wrong_length:
      return "wrong_length";
    case IdNumberProblem::bad_characters:
      return "bad_characters";
    case IdNumberProblem::bad_birth_date:
      return "bad_birth_date";
    case IdNumberProblem::bad_check_digit:
      return "bad_check_digit";
  }
  return "unknown";
}

char id_number_check_character(std::string_view first17) {
  if (first17.size() != kWeights.size()) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < kWeights.size(); ++i) {
    if (!is_digit(first17[i])) return '\0';
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheckCharacters[static_cast<std::size_t>(sum % 11)];
}

IdNumberCheck check_id_number(std::string_view keyed, year_month_day today) {
  auto fail = [](IdNumberProblem problem) { return IdNumberCheck{{}, problem}; };
  if (keyed.size() != kIdLength) return fail(IdNumberProblem::wrong_length);
  std::string number(keyed);
  for (std::size_t i = 0; i + 1 < kIdLength; ++i) {
    if (!is_digit(number[i])) return fail(IdNumberProblem::bad_characters);
  }
  char& last = number.back();
  if (last == '*' || last == 'x') last = 'X';
  if (!is_digit(last) && last != 'X') return fail(IdNumberProblem::bad_characters);

  const year_month_day birth{year{digits_value(number.substr(6, 4))},
                             month{static_cast<unsigned>(digits_value(number.substr(10, 2)))},
                             day{static_cast<unsigned>(digits_value(number.substr(12, 2)))}};
  if (!birth.ok() || birth.year() < year{1900} || sys_days{birth} > sys_days{today}) {
    return fail(IdNumberProblem::bad_birth_date);
  }
  if (id_number_check_character(std::string_view(number).substr(0, 17)) != last) {
    return fail(IdNumberProblem::bad_check_digit);
  }
  return IdNumberCheck{std::move(number), std::nullopt};
}

IdNumberCheck check_id_number(std::string_view keyed) {
  const EpochMs local = now_ms() + kChinaOffsetMs;
  const year_month_day today{sys_days{floor<days>(milliseconds{local})}};
  return check_id_number(keyed, today);
}

}  // namespace hotline::ivr
