#include "call/routing_table.hpp"

#include <algorithm>

#include "call/address_match.hpp"
#include "store/dial_pattern.hpp"

namespace hotline::call {

RoutingTable::RoutingTable(std::vector<store::Trunk> trunks,
                           std::vector<store::InboundRoute> inbound,
                           std::vector<store::OutboundRule> outbound)
    : trunks_(std::move(trunks)), inbound_(std::move(inbound)), outbound_(std::move(outbound)) {
  std::stable_sort(outbound_.begin(), outbound_.end(),
                   [](const auto& a, const auto& b) { return a.priority < b.priority; });
}

const store::Trunk* RoutingTable::trunk_for_source(const std::string& host) const {
  for (const auto& trunk : trunks_) {
    if (!trunk.enabled) continue;
    for (const auto& allowed : trunk.addresses)
      if (address_matches(host, allowed)) return &trunk;
    // A registration trunk's calls come from the registrar we registered with.
    if (trunk.kind == "registration" && !trunk.proxy.empty()) {
      const auto colon = trunk.proxy.rfind(':');
      const auto proxy_host = trunk.proxy.front() == '['
                                  ? trunk.proxy.substr(1, trunk.proxy.find(']') - 1)
                                  : trunk.proxy.substr(0, colon);
      if (!proxy_host.empty() && address_matches(host, proxy_host)) return &trunk;
    }
  }
  return nullptr;
}

const store::Trunk* RoutingTable::trunk(store::Id id) const {
  for (const auto& trunk : trunks_)
    if (trunk.id == id) return &trunk;
  return nullptr;
}

const store::InboundRoute* RoutingTable::inbound(const std::string& number) const {
  for (const auto& route : inbound_)
    if (route.enabled && route.number == number) return &route;
  return nullptr;
}

std::optional<OutboundChoice> RoutingTable::outbound(const std::string& dialled) const {
  for (const auto& rule : outbound_) {
    if (!rule.enabled || !store::dial_pattern_matches(rule.pattern, dialled)) continue;
    const auto* carrier = trunk(rule.trunk_id);
    if (carrier == nullptr || !carrier->enabled) continue;
    std::string number = dialled;
    const auto strip = static_cast<std::size_t>(std::max(rule.strip_digits, 0));
    number = strip >= number.size() ? std::string() : number.substr(strip);
    number = rule.prepend + number;
    if (number.empty()) continue;
    return OutboundChoice{carrier, &rule, number};
  }
  return std::nullopt;
}

}  // namespace hotline::call
