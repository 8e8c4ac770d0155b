#pragma once
// The password policy: long enough, three of four character classes, not the username.
#include <optional>
#include <string>

namespace hotline::api {

// Returns a sentence saying what is wrong, or nullopt when the password is acceptable.
std::optional<std::string> check_password_policy(const std::string& password,
                                                 const std::string& username, int min_length);

}  // namespace hotline::api
