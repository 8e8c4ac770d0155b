#pragma once
// The client side of digest authentication: answering a registrar's challenge (registration
// trunks register to the carrier with the trunk's account).
#include <optional>
#include <string>
#include <string_view>

namespace hotline::sip {

struct DigestAnswerInputs {
  std::string_view username;
  std::string_view password;
  std::string_view method;  // "REGISTER"
  std::string_view uri;     // the Request-URI
  int nonce_count = 1;
  std::string_view cnonce;
};

// The Authorization value answering `challenge` (a WWW-Authenticate value); nullopt when the
// challenge is not Digest, lacks realm or nonce, or names an algorithm we do not implement.
std::optional<std::string> answer_digest_challenge(std::string_view challenge,
                                                   const DigestAnswerInputs& inputs);

}  // namespace hotline::sip
