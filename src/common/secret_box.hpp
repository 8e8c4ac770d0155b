#pragma once
// Symmetric encryption of secrets kept in the database (trunk passwords; later personal data)
// with libsodium's secretbox. The key is a 32-byte file in the data dir, created with mode 0600
// on first use; losing it makes the encrypted values unreadable.
#include <array>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace hotline {

class SecretBox {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  // Loads `path`, or creates it with a fresh random key when it does not exist. Errors name the
  // file (unreadable, wrong size, cannot create).
  static Result<SecretBox> open_key_file(const std::string& path);
  explicit SecretBox(const std::array<unsigned char, kKeyBytes>& key) : key_(key) {}

  // "v1:" + base64(nonce || ciphertext).
  std::string encrypt(const std::string& plain) const;
  // Error "secret_invalid" for text that was not produced with this key.
  Result<std::string> decrypt(const std::string& sealed) const;
  // A keyed hash (BLAKE2b, hex) for finding a personal number without storing it in clear:
  // the same text always gives the same value under this key, nothing else can compute it.
  // The hash key is derived from the secret key, never the encryption key itself.
  std::string lookup_hash(std::string_view text) const;

 private:
  std::array<unsigned char, kKeyBytes> key_{};
};

}  // namespace hotline
