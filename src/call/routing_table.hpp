#pragma once
// The telephony configuration the call module routes with: trunks, inbound numbers and
// outbound rules, loaded from the database and rebuilt whenever an admin changes them.
// Lookups are pure, so they are unit-tested without SIP.
#include <optional>
#include <string>
#include <vector>

#include "store/telephony_models.hpp"

namespace hotline::call {

struct OutboundChoice {
  const store::Trunk* trunk = nullptr;
  const store::OutboundRule* rule = nullptr;
  std::string number;  // what to send to the carrier (after strip / prepend)
};

class RoutingTable {
 public:
  RoutingTable() = default;
  RoutingTable(std::vector<store::Trunk> trunks, std::vector<store::InboundRoute> inbound,
               std::vector<store::OutboundRule> outbound);

  // The enabled trunk whose allowed addresses include `host` (for a registration trunk, also
  // its registrar's address).
  const store::Trunk* trunk_for_source(const std::string& host) const;
  const store::Trunk* trunk(store::Id id) const;
  // The enabled route of a public number.
  const store::InboundRoute* inbound(const std::string& number) const;
  // The first enabled rule (by priority) whose pattern matches `dialled`, with an enabled
  // trunk. No rule, no call: this is the toll-fraud guard.
  std::optional<OutboundChoice> outbound(const std::string& dialled) const;

  std::size_t trunk_count() const { return trunks_.size(); }

 private:
  std::vector<store::Trunk> trunks_;
  std::vector<store::InboundRoute> inbound_;
  std::vector<store::OutboundRule> outbound_;
};

}  // namespace hotline::call
