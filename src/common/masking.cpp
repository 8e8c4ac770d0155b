#include "common/masking.hpp"

#include <cctype>

namespace hotline {

namespace {

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

std::string mask_phone_number(std::string_view number) {
  std::string out(number);
  // "+86" is the country code, not part of the subscriber number the rule is about.
  std::size_t start = 0;
  if (number.substr(0, 3) == "+86") start = 3;
  std::size_t digits = 0;
  for (std::size_t i = start; i < number.size(); ++i) digits += is_digit(number[i]) ? 1 : 0;
  std::size_t keep_front = 0, keep_back = 0;
  if (digits >= 11) {
    keep_front = 3;
    keep_back = 4;
  } else if (digits >= 7) {
    keep_front = 2;
    keep_back = 2;
  } else {
    return out;
  }
  std::size_t seen = 0;
  for (std::size_t i = start; i < out.size(); ++i) {
    if (!is_digit(out[i])) continue;
    if (seen >= keep_front && seen < digits - keep_back) out[i] = '*';
    ++seen;
  }
  return out;
}

std::string mask_id_number(std::string_view id_number) {
  const std::string text(id_number);
  if (text.size() == 18) return text.substr(0, 6) + "********" + text.substr(14);
  if (text.size() == 15) return text.substr(0, 6) + "******" + text.substr(12);
  if (text.size() <= 4) return std::string(text.size(), '*');
  return text.front() + std::string(text.size() - 2, '*') + text.back();
}

}  // namespace hotline
