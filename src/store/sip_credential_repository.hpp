#pragma once
// SIP digest credentials of users' extensions: HA1 values only, never the password.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace hotline::store {

struct SipCredential {
  Id user_id = 0;
  std::string extension;
  std::string realm;
  std::string ha1_md5;
  std::string ha1_sha256;
  EpochMs updated_at = 0;
};

class SipCredentialRepository {
 public:
  explicit SipCredentialRepository(Database& db) : db_(db) {}

  // Replaces the user's credential.
  Status set(const SipCredential& credential);
  // The credential of an active user whose current extension is `extension` and whose HA1
  // was computed for that extension (a changed extension needs a new SIP password).
  Result<std::optional<SipCredential>> find_active(const std::string& extension);
  // Extensions that have a usable SIP password.
  Result<std::vector<std::string>> extensions_with_password();

 private:
  Database& db_;
};

}  // namespace hotline::store
