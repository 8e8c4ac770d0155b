#pragma once
// Password storage with argon2id (libsodium's crypto_pwhash_str, interactive limits).
#include <string>

#include "common/result.hpp"

namespace hotline::api {

Result<std::string> hash_password(const std::string& password);
bool verify_password(const std::string& stored_hash, const std::string& password);
// Spends the time of one verification, so unknown usernames answer as slowly as known ones.
void burn_verification_time();

}  // namespace hotline::api
