#include "api/password_policy.hpp"

#include <algorithm>
#include <cctype>

namespace hotline::api {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::optional<std::string> check_password_policy(const std::string& password,
                                                 const std::string& username, int min_length) {
  if (password.size() > 256) return "password must be at most 256 characters";
  if (static_cast<int>(password.size()) < min_length)
    return "password must be at least " + std::to_string(min_length) + " characters";
  bool upper = false, lowercase = false, digit = false, symbol = false;
  for (unsigned char c : password) {
    if (c < 0x20 || c == 0x7f) return "password must not contain control characters";
    if (std::isupper(c))
      upper = true;
    else if (std::islower(c))
      lowercase = true;
    else if (std::isdigit(c))
      digit = true;
    else
      symbol = true;  // punctuation, spaces and non-ASCII letters
  }
  if (int(upper) + int(lowercase) + int(digit) + int(symbol) < 3)
    return "password must mix at least three of: upper case, lower case, digits, symbols";
  if (!username.empty() && lower(password).find(lower(username)) != std::string::npos)
    return "password must not contain the username";
  return std::nullopt;
}

}  // namespace hotline::api
