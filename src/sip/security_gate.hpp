#pragma once
// The first line of SIP security, applied in the sofia thread before a transaction exists, so
// that dropped messages get no answer at all: blocked sources, scanner User-Agents, and the
// per-source message rate. The block list is a copy kept in step by the control thread.
#include <optional>
#include <string>
#include <unordered_map>

#include "sip/rate_limiter.hpp"
#include "sip/scanner_filter.hpp"
#include "sip/sip_messages.hpp"

namespace hotline::sip {

class SecurityGate {
 public:
  SecurityGate(const std::vector<std::string>& scanner_patterns, int max_messages_per_second)
      : scanners_(scanner_patterns), rate_(max_messages_per_second) {}

  // nullopt: let it through. Otherwise the reason to drop, with a notice to report when this
  // drop should be logged (the first of its kind per source and minute, to keep logs sane).
  struct Drop {
    std::string reason;
    std::string detail;
    bool report = false;
  };
  std::optional<Drop> check(const std::string& address, std::string_view user_agent, EpochMs now);

  void block(const std::string& address, EpochMs until) { blocked_[address] = until; }
  void unblock(const std::string& address) { blocked_.erase(address); }

 private:
  bool should_report(const std::string& key, EpochMs now);

  ScannerFilter scanners_;
  RateLimiter rate_;
  std::unordered_map<std::string, EpochMs> blocked_;
  std::unordered_map<std::string, EpochMs> last_report_;
};

}  // namespace hotline::sip
