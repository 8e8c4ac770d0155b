#include "api/password_hasher.hpp"

#include <sodium.h>

namespace hotline::api {

Result<std::string> hash_password(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Error{"internal", "password hashing ran out of memory"};
  return std::string(out);
}

bool verify_password(const std::string& stored_hash, const std::string& password) {
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

void burn_verification_time() {
  static const std::string decoy = [] {
    auto hash = hash_password("decoy password that matches nothing");
    return hash ? *hash : std::string();
  }();
  if (!decoy.empty()) verify_password(decoy, "another decoy");
}

}  // namespace hotline::api
