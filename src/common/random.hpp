#pragma once
// Cryptographically strong random identifiers (libsodium).
#include <cstddef>
#include <string>
#include <string_view>

namespace hotline {

// Must be called once before any other function here (idempotent).
bool init_crypto();
// `bytes` random bytes encoded as URL-safe base64 without padding.
std::string random_token(std::size_t bytes = 32);
// Hex of a keyless BLAKE2b-256 digest: lets us store session tokens without storing them.
std::string digest_hex(std::string_view data);

}  // namespace hotline
