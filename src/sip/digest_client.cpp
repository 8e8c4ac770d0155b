#include "sip/digest_client.hpp"

#include <fmt/format.h>

#include "sip/digest.hpp"
#include "sip/digest_credentials.hpp"

namespace hotline::sip {

std::optional<std::string> answer_digest_challenge(std::string_view challenge,
                                                   const DigestAnswerInputs& inputs) {
  auto parsed = parse_digest_params(challenge);
  if (!parsed || parsed->realm.empty() || parsed->nonce.empty()) return std::nullopt;
  const auto algorithm = parse_algorithm(parsed->algorithm.empty() ? "MD5" : parsed->algorithm);
  if (!algorithm) return std::nullopt;
  // qop may list several options ("auth,auth-int"): we do auth, or the RFC 2069 form.
  bool qop_auth = false;
  std::string_view options = parsed->qop;
  while (!options.empty()) {
    const auto comma = options.find(',');
    auto token = options.substr(0, comma);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token == "auth") qop_auth = true;
    if (comma == std::string_view::npos) break;
    options.remove_prefix(comma + 1);
  }
  const std::string nc = fmt::format("{:08x}", inputs.nonce_count);
  const auto ha1 = compute_ha1(*algorithm, inputs.username, parsed->realm, inputs.password);
  DigestInputs digest;
  digest.method = inputs.method;
  digest.uri = inputs.uri;
  digest.nonce = parsed->nonce;
  if (qop_auth) {
    digest.nonce_count = nc;
    digest.cnonce = inputs.cnonce;
    digest.qop = "auth";
  }
  const auto response = compute_response(*algorithm, ha1, digest);
  std::string value = fmt::format(
      R"(Digest username="{}", realm="{}", nonce="{}", uri="{}", response="{}", algorithm={})",
      inputs.username, parsed->realm, parsed->nonce, inputs.uri, response,
      algorithm_name(*algorithm));
  if (qop_auth) value += fmt::format(R"(, qop=auth, nc={}, cnonce="{}")", nc, inputs.cnonce);
  if (!parsed->opaque.empty()) value += fmt::format(R"(, opaque="{}")", parsed->opaque);
  return value;
}

}  // namespace hotline::sip
