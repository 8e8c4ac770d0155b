#pragma once
// HTTP digest arithmetic for SIP (RFC 2617 / RFC 7616 with qop=auth): HA1, HA2, response.
#include <optional>
#include <string>
#include <string_view>

namespace hotline::sip {

enum class DigestAlgorithm { Md5, Sha256 };

// "MD5" / "SHA-256" as written in WWW-Authenticate.
std::string_view algorithm_name(DigestAlgorithm algorithm);
// Case-insensitive; an absent algorithm means MD5 (RFC 2617).
std::optional<DigestAlgorithm> parse_algorithm(std::string_view name);

// Lower-case hex of the hash of `text`.
std::string hex_hash(DigestAlgorithm algorithm, std::string_view text);

// H(username:realm:password): what the database keeps instead of the password.
std::string compute_ha1(DigestAlgorithm algorithm, std::string_view username,
                        std::string_view realm, std::string_view password);

struct DigestInputs {
  std::string_view method;
  std::string_view uri;
  std::string_view nonce;
  std::string_view nonce_count;  // 8 hex digits, empty without qop
  std::string_view cnonce;
  std::string_view qop;  // "auth" or empty (RFC 2069 compatibility)
};

// The expected `response` parameter for a stored HA1.
std::string compute_response(DigestAlgorithm algorithm, std::string_view ha1,
                             const DigestInputs& inputs);

// Comparison whose time does not depend on where the strings differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace hotline::sip
