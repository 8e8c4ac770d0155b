#pragma once
// The registrar (RFC 3261 section 10.3): authenticates a REGISTER for the extension in its To
// header and adds, refreshes or removes that extension's bindings in the database.
// Runs on the control thread.
#include "sip/binding_expiry.hpp"
#include "sip/digest_authenticator.hpp"
#include "sip/sip_messages.hpp"
#include "store/sip_binding_repository.hpp"

namespace hotline::sip {

// More contacts than this for one extension are refused (403).
inline constexpr std::size_t kMaxContactsPerExtension = 10;

struct RegisterResult {
  Reply reply;
  AuthOutcome auth;
  bool bindings_changed = false;
};

class Registrar {
 public:
  Registrar(ExpiryLimits limits, DigestAuthenticator& authenticator,
            store::SipBindingRepository& bindings)
      : limits_(limits), authenticator_(authenticator), bindings_(bindings) {}

  RegisterResult handle(const IncomingRequest& request, EpochMs now);

 private:
  ExpiryLimits limits_;
  DigestAuthenticator& authenticator_;
  store::SipBindingRepository& bindings_;
};

}  // namespace hotline::sip
