#pragma once
// Digest authentication of SIP requests against the stored HA1 values of extensions:
// MD5 and SHA-256, qop=auth, expiring nonces, nonce-count replay protection.
// Runs on the control thread.
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "sip/nonce_tracker.hpp"
#include "sip/sip_messages.hpp"
#include "store/sip_credential_repository.hpp"

namespace hotline::sip {

using CredentialLookup =
    std::function<Result<std::optional<store::SipCredential>>(const std::string& extension)>;

enum class AuthStatus {
  Authenticated,
  Challenge,   // no usable credentials (or a stale nonce): answer 401 with a challenge
  Failed,      // wrong password, unknown extension, mismatched identity: counts as a failure
  Replayed,    // nonce-count reused: refused and counted as a failure
  Unavailable  // the credential store failed: 500, not the caller's fault
};

struct AuthOutcome {
  AuthStatus status = AuthStatus::Challenge;
  bool stale = false;
  std::string extension;  // the authenticated (or claimed) extension
  std::int64_t user_id = 0;
  std::string reason;  // for logs and audit, never containing secrets
};

class DigestAuthenticator {
 public:
  DigestAuthenticator(std::string realm, std::int64_t nonce_lifetime_ms, CredentialLookup lookup,
                      std::vector<std::string> md5_only_user_agents = {})
      : realm_(std::move(realm)),
        nonces_(nonce_lifetime_ms),
        lookup_(std::move(lookup)),
        md5_only_user_agents_(std::move(md5_only_user_agents)) {}

  // `identity`: the extension the request must prove (the To user of a REGISTER); empty:
  // any extension may authenticate (e.g. the caller of an INVITE).
  AuthOutcome authenticate(const IncomingRequest& request, const std::string& identity,
                           EpochMs now);
  // WWW-Authenticate headers with a fresh nonce: MD5 first (most phones take the first they
  // understand, and some only know MD5), then SHA-256.
  // Two WWW-Authenticate headers with one nonce: MD5 first, then SHA-256, except for
  // User-Agents in `md5_only_user_agents` (phones that give up when they see an algorithm
  // they do not know, such as Debian 12's baresip), which get MD5 alone.
  std::vector<std::pair<std::string, std::string>> challenge(bool stale, EpochMs now,
                                                             const std::string& user_agent = {});
  const std::string& realm() const { return realm_; }

 private:
  std::string realm_;
  NonceTracker nonces_;
  CredentialLookup lookup_;
  std::vector<std::string> md5_only_user_agents_;  // lower case
};

}  // namespace hotline::sip
