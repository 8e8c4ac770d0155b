#pragma once
// Failed-login counting per source address (in memory): too many failures from one address
// within a window block that address for a while, whichever accounts it tries.
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "common/clock.hpp"

namespace hotline::api {

class LoginThrottle {
 public:
  LoginThrottle(int max_failures, int window_minutes, int block_minutes)
      : max_failures_(max_failures),
        window_ms_(EpochMs{window_minutes} * 60'000),
        block_ms_(EpochMs{block_minutes} * 60'000) {}

  // Milliseconds until the address may try again; 0 when it may try now.
  EpochMs blocked_for(const std::string& address, EpochMs now);
  // Returns true when this failure started a block.
  bool record_failure(const std::string& address, EpochMs now);

 private:
  struct AddressState {
    std::deque<EpochMs> failures;
    EpochMs blocked_until = 0;
  };
  void forget_old(AddressState& state, EpochMs now);

  int max_failures_;
  EpochMs window_ms_;
  EpochMs block_ms_;
  std::mutex mutex_;
  std::map<std::string, AddressState> addresses_;
};

}  // namespace hotline::api
