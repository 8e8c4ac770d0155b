#include "api/login_throttle.hpp"

namespace hotline::api {

void LoginThrottle::forget_old(AddressState& state, EpochMs now) {
  while (!state.failures.empty() && state.failures.front() <= now - window_ms_)
    state.failures.pop_front();
}

EpochMs LoginThrottle::blocked_for(const std::string& address, EpochMs now) {
  std::lock_guard lock(mutex_);
  const auto it = addresses_.find(address);
  if (it == addresses_.end()) return 0;
  if (it->second.blocked_until > now) return it->second.blocked_until - now;
  forget_old(it->second, now);
  if (it->second.failures.empty()) addresses_.erase(it);  // keeps the map from growing
  return 0;
}

bool LoginThrottle::record_failure(const std::string& address, EpochMs now) {
  std::lock_guard lock(mutex_);
  auto& state = addresses_[address];
  forget_old(state, now);
  state.failures.push_back(now);
  if (static_cast<int>(state.failures.size()) >= max_failures_ && state.blocked_until <= now) {
    state.blocked_until = now + block_ms_;
    state.failures.clear();
    return true;
  }
  return false;
}

}  // namespace hotline::api
