#pragma once
// Messages per second per source address: a token bucket per address, refilled continuously,
// holding at most one second's worth. Not thread-safe: the control thread owns it.
#include <cstdint>
#include <string>
#include <unordered_map>

#include "common/clock.hpp"

namespace hotline::sip {

class RateLimiter {
 public:
  explicit RateLimiter(int per_second) : per_second_(per_second > 0 ? per_second : 1) {}

  // True when a message from `address` may pass now (and counts it).
  bool allow(const std::string& address, EpochMs now);
  std::size_t tracked() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    EpochMs updated_at = 0;
  };
  void forget_idle(EpochMs now);

  int per_second_;
  std::unordered_map<std::string, Bucket> buckets_;
  EpochMs last_sweep_ = 0;
};

}  // namespace hotline::sip
