#include "common/secret_box.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "common/random.hpp"

namespace hotline {

namespace {

constexpr std::string_view kPrefix = "v1:";

Error key_error(const std::string& path, const std::string& what) {
  return Error{"secret_key", "secret key file '" + path + "': " + what};
}

Result<SecretBox> read_key(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return key_error(path, std::strerror(errno));
  std::array<unsigned char, SecretBox::kKeyBytes + 1> buffer{};
  std::size_t total = 0;
  // One byte more than a key: a longer file is detected, not silently truncated.
  while (total < buffer.size()) {
    const auto n = ::read(fd, buffer.data() + total, buffer.size() - total);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    total += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (total != SecretBox::kKeyBytes)
    return key_error(
        path, "must hold exactly " + std::to_string(SecretBox::kKeyBytes) + " bytes (found " +
                  (total > SecretBox::kKeyBytes ? std::string("more") : std::to_string(total)) +
                  ")");
  std::array<unsigned char, SecretBox::kKeyBytes> key{};
  std::memcpy(key.data(), buffer.data(), key.size());
  sodium_memzero(buffer.data(), buffer.size());
  return SecretBox(key);
}

// O_EXCL: two processes starting at once never overwrite each other's fresh key.
Result<SecretBox> create_key(const std::string& path) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return key_error(path, "cannot create its directory: " + ec.message());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return read_key(path);
    return key_error(path, std::string("cannot create: ") + std::strerror(errno));
  }
  std::array<unsigned char, SecretBox::kKeyBytes> key{};
  crypto_secretbox_keygen(key.data());
  std::size_t written = 0;
  while (written < key.size()) {
    const auto n = ::write(fd, key.data() + written, key.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (written != key.size() || !synced) {
    ::unlink(path.c_str());
    return key_error(path, "cannot write the new key");
  }
  return SecretBox(key);
}

}  // namespace

Result<SecretBox> SecretBox::open_key_file(const std::string& path) {
  if (!init_crypto()) return Error{"crypto", "libsodium failed to initialise"};
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return read_key(path);
  return create_key(path);
}

std::string SecretBox::encrypt(const std::string& plain) const {
  std::vector<unsigned char> box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 plain.size());
  unsigned char* nonce = box.data();
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(box.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                        key_.data());
  std::string encoded(sodium_base64_ENCODED_LEN(box.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), box.data(), box.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  encoded.resize(encoded.find('\0'));
  return std::string(kPrefix) + encoded;
}

Result<std::string> SecretBox::decrypt(const std::string& sealed) const {
  const Error invalid{"secret_invalid", "the encrypted value cannot be decrypted with this key"};
  if (sealed.compare(0, kPrefix.size(), kPrefix) != 0) return invalid;
  const auto text = std::string_view(sealed).substr(kPrefix.size());
  if (text.empty()) return invalid;
  std::vector<unsigned char> box(text.size());
  std::size_t length = 0;
  if (sodium_base642bin(box.data(), box.size(), text.data(), text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return invalid;
  if (length < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return invalid;
  const auto cipher_length = length - crypto_secretbox_NONCEBYTES;
  std::string plain(cipher_length - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 box.data() + crypto_secretbox_NONCEBYTES, cipher_length,
                                 box.data(), key_.data()) != 0)
    return invalid;
  return plain;
}

std::string SecretBox::lookup_hash(std::string_view text) const {
  std::array<unsigned char, crypto_generichash_KEYBYTES> subkey{};
  crypto_kdf_derive_from_key(subkey.data(), subkey.size(), 1, "hl-look", key_.data());
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                     subkey.data(), subkey.size());
  sodium_memzero(subkey.data(), subkey.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

}  // namespace hotline
