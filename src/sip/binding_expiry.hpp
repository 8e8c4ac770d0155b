#pragma once
// How long a REGISTER's contact stays bound (RFC 3261 10.3 steps 6-7), and whether the phone
// sits behind NAT (its Contact is not where its packets come from).
#include <optional>

#include "sip/sip_messages.hpp"

namespace hotline::sip {

struct ExpiryLimits {
  int min_seconds = 60;
  int max_seconds = 3600;
  int default_seconds = 600;
};

struct ExpiryDecision {
  enum class Kind { Remove, TooBrief, Bind };
  Kind kind = Kind::Bind;
  int seconds = 0;  // for Bind: the granted lifetime
};

// The contact's ;expires wins over the Expires header, which wins over the default; zero
// removes, below the minimum is refused (423), above the maximum is cut.
ExpiryDecision decide_expiry(std::optional<int> contact_expires, std::optional<int> header_expires,
                             const ExpiryLimits& limits);

// True when requests to the phone must go to the observed source instead of its Contact.
bool contact_behind_nat(const ContactEntry& contact, const SourceAddress& source);

}  // namespace hotline::sip
