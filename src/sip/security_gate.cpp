#include "sip/security_gate.hpp"

namespace hotline::sip {

std::optional<SecurityGate::Drop> SecurityGate::check(const std::string& address,
                                                      std::string_view user_agent, EpochMs now) {
  if (const auto found = blocked_.find(address); found != blocked_.end()) {
    if (found->second > now) return Drop{"blocked", {}, false};
    blocked_.erase(found);
  }
  if (auto pattern = scanners_.match(user_agent); !pattern.empty())
    return Drop{"scanner", pattern, should_report("scanner " + address, now)};
  if (!rate_.allow(address, now))
    return Drop{"rate_limit", {}, should_report("rate " + address, now)};
  return std::nullopt;
}

bool SecurityGate::should_report(const std::string& key, EpochMs now) {
  if (last_report_.size() > 10000)
    std::erase_if(last_report_, [now](const auto& e) { return now - e.second > 60000; });
  auto [it, inserted] = last_report_.try_emplace(key, now);
  if (inserted) return true;
  if (now - it->second < 60000) return false;
  it->second = now;
  return true;
}

}  // namespace hotline::sip
