#include "sip/digest_authenticator.hpp"

#include <algorithm>
#include <cctype>

#include "sip/digest.hpp"
#include "sip/digest_credentials.hpp"

namespace hotline::sip {

namespace {

// Same work for unknown extensions as for known ones, so timing does not reveal which exist.
constexpr const char* kDummyHa1 = "00000000000000000000000000000000";

}  // namespace

AuthOutcome DigestAuthenticator::authenticate(const IncomingRequest& request,
                                              const std::string& identity, EpochMs now) {
  std::optional<DigestCredentials> credentials;
  for (const auto& header : request.authorizations) {
    auto parsed = parse_digest_credentials(header);
    if (parsed && parsed->realm == realm_) {
      credentials = std::move(parsed);
      break;
    }
  }
  if (!credentials) return {AuthStatus::Challenge, false, identity, 0, "no credentials"};

  AuthOutcome outcome;
  outcome.extension = credentials->username;
  const auto algorithm = parse_algorithm(credentials->algorithm);
  if (!algorithm) {
    outcome.status = AuthStatus::Failed;
    outcome.reason = "unsupported digest algorithm";
    return outcome;
  }
  if (credentials->qop != "auth") {
    outcome.status = AuthStatus::Failed;
    outcome.reason = "qop=auth required";
    return outcome;
  }
  switch (nonces_.check(credentials->nonce, credentials->nonce_count, now)) {
    case NonceCheck::Stale:
      return {AuthStatus::Challenge, true, credentials->username, 0, "stale nonce"};
    case NonceCheck::Replayed:
      outcome.status = AuthStatus::Replayed;
      outcome.reason = "nonce-count replayed";
      return outcome;
    case NonceCheck::Valid:
      break;
  }
  auto found = lookup_(credentials->username);
  if (!found) {
    outcome.status = AuthStatus::Unavailable;
    outcome.reason = found.error().message;
    return outcome;
  }
  const auto& stored = *found;
  std::string ha1 = kDummyHa1;
  if (stored) ha1 = *algorithm == DigestAlgorithm::Md5 ? stored->ha1_md5 : stored->ha1_sha256;
  const auto expected =
      compute_response(*algorithm, ha1,
                       {request.method, credentials->uri, credentials->nonce,
                        credentials->nonce_count, credentials->cnonce, credentials->qop});
  const bool matches = constant_time_equal(expected, credentials->response);
  if (!stored || !matches) {
    outcome.status = AuthStatus::Failed;
    outcome.reason = stored ? "wrong password" : "unknown extension or no SIP password";
    return outcome;
  }
  if (!identity.empty() && identity != credentials->username) {
    outcome.status = AuthStatus::Failed;
    outcome.reason = "credentials of another extension";
    return outcome;
  }
  nonces_.accept(credentials->nonce, credentials->nonce_count);
  outcome.status = AuthStatus::Authenticated;
  outcome.user_id = stored->user_id;
  return outcome;
}

std::vector<std::pair<std::string, std::string>> DigestAuthenticator::challenge(
    bool stale, EpochMs now, const std::string& user_agent) {
  const auto nonce = nonces_.issue(now);
  std::vector<std::pair<std::string, std::string>> headers = {
      {"WWW-Authenticate", digest_challenge(realm_, nonce, "MD5", stale)}};
  std::string agent = user_agent;
  std::transform(agent.begin(), agent.end(), agent.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& pattern : md5_only_user_agents_)
    if (!pattern.empty() && agent.find(pattern) != std::string::npos) return headers;
  headers.emplace_back("WWW-Authenticate", digest_challenge(realm_, nonce, "SHA-256", stale));
  return headers;
}

}  // namespace hotline::sip
