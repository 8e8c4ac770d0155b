#pragma once
// fail2ban for SIP: an address with `max_failures` failed authentications within `window`
// is blocked for `block_ms`; an admin may lift a block early. In memory, owned by the control
// thread: a restart forgets blocks (they are in the audit log).
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace hotline::sip {

struct AddressBlock {
  std::string address;
  EpochMs blocked_at = 0;
  EpochMs until = 0;
  std::string reason;
};

class AddressBlocker {
 public:
  AddressBlocker(int max_failures, std::int64_t window_ms, std::int64_t block_ms)
      : max_failures_(max_failures), window_ms_(window_ms), block_ms_(block_ms) {}

  bool is_blocked(const std::string& address, EpochMs now) const;
  // Counts a failure; returns the new block when this failure crossed the threshold.
  std::optional<AddressBlock> record_failure(const std::string& address, EpochMs now);
  void record_success(const std::string& address) { failures_.erase(address); }
  std::vector<AddressBlock> blocks(EpochMs now) const;
  // True when there was an active block to lift.
  bool unblock(const std::string& address, EpochMs now);
  void expire(EpochMs now);

 private:
  int max_failures_;
  std::int64_t window_ms_;
  std::int64_t block_ms_;
  std::map<std::string, std::deque<EpochMs>> failures_;
  std::map<std::string, AddressBlock> blocks_;
};

}  // namespace hotline::sip
