#pragma once
// The Authorization header of a request (parsed) and the WWW-Authenticate challenge (built).
#include <optional>
#include <string>
#include <string_view>

namespace hotline::sip {

struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;
  std::string algorithm;  // as sent; empty means MD5
  std::string cnonce;
  std::string qop;
  std::string nonce_count;  // "nc", 8 hex digits
  std::string opaque;
};

// Parses `Digest k=v, k="v", ...` without requiring any parameter (a challenge); nullopt when
// it is not a well-formed Digest header.
std::optional<DigestCredentials> parse_digest_params(std::string_view header_value);
// Parses an Authorization value; nullopt unless well formed with username, nonce, response.
std::optional<DigestCredentials> parse_digest_credentials(std::string_view header_value);

// `Digest realm="..", nonce="..", algorithm=.., qop="auth"[, stale=true]`.
std::string digest_challenge(std::string_view realm, std::string_view nonce,
                             std::string_view algorithm, bool stale);

}  // namespace hotline::sip
