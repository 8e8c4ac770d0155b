#include "media/file_digest.hpp"

#include <sodium.h>

#include <array>
#include <fstream>

namespace hotline::media {

Result<std::string> sha256_file_hex(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"digest_failed", "cannot open file"};
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::array<char, 64 * 1024> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    const auto count = in.gcount();
    if (count > 0)
      crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buffer.data()),
                                static_cast<unsigned long long>(count));
  }
  if (in.bad()) return Error{"digest_failed", "cannot read file"};
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data());
}

}  // namespace hotline::media
