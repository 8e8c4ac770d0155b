#include "sip/binding_expiry.hpp"

namespace hotline::sip {

ExpiryDecision decide_expiry(std::optional<int> contact_expires, std::optional<int> header_expires,
                             const ExpiryLimits& limits) {
  const int requested = contact_expires  ? *contact_expires
                        : header_expires ? *header_expires
                                         : limits.default_seconds;
  if (requested <= 0) return {ExpiryDecision::Kind::Remove, 0};
  if (requested < limits.min_seconds) return {ExpiryDecision::Kind::TooBrief, limits.min_seconds};
  if (requested > limits.max_seconds) return {ExpiryDecision::Kind::Bind, limits.max_seconds};
  return {ExpiryDecision::Kind::Bind, requested};
}

bool contact_behind_nat(const ContactEntry& contact, const SourceAddress& source) {
  if (contact.host != source.host) return true;
  // Over TCP the source port is the connection's ephemeral port: only the host tells.
  if (source.transport != "udp") return false;
  const std::uint16_t port = contact.port != 0 ? contact.port : 5060;
  return port != source.port;
}

}  // namespace hotline::sip
