#include "sip/digest.hpp"

#include <openssl/evp.h>

#include <array>
#include <cctype>
#include <memory>

namespace hotline::sip {

std::string_view algorithm_name(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::Md5 ? "MD5" : "SHA-256";
}

std::optional<DigestAlgorithm> parse_algorithm(std::string_view name) {
  std::string upper;
  for (const char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.empty() || upper == "MD5") return DigestAlgorithm::Md5;
  if (upper == "SHA-256") return DigestAlgorithm::Sha256;
  return std::nullopt;
}

std::string hex_hash(DigestAlgorithm algorithm, std::string_view text) {
  const EVP_MD* md = algorithm == DigestAlgorithm::Md5 ? EVP_md5() : EVP_sha256();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, md, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

std::string compute_ha1(DigestAlgorithm algorithm, std::string_view username,
                        std::string_view realm, std::string_view password) {
  std::string text;
  text.append(username).append(":").append(realm).append(":").append(password);
  return hex_hash(algorithm, text);
}

std::string compute_response(DigestAlgorithm algorithm, std::string_view ha1,
                             const DigestInputs& in) {
  std::string a2;
  a2.append(in.method).append(":").append(in.uri);
  const auto ha2 = hex_hash(algorithm, a2);
  std::string text(ha1);
  text.append(":").append(in.nonce).append(":");
  if (!in.qop.empty())
    text.append(in.nonce_count)
        .append(":")
        .append(in.cnonce)
        .append(":")
        .append(in.qop)
        .append(":");
  text.append(ha2);
  return hex_hash(algorithm, text);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace hotline::sip
