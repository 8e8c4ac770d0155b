#include "sip/rate_limiter.hpp"

#include <algorithm>

namespace hotline::sip {

bool RateLimiter::allow(const std::string& address, EpochMs now) {
  forget_idle(now);
  auto [it, inserted] = buckets_.try_emplace(address, Bucket{double(per_second_), now});
  auto& bucket = it->second;
  if (!inserted) {
    const auto elapsed = std::max<EpochMs>(0, now - bucket.updated_at);
    bucket.tokens = std::min<double>(per_second_, bucket.tokens + elapsed * per_second_ / 1000.0);
    bucket.updated_at = now;
  }
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

void RateLimiter::forget_idle(EpochMs now) {
  // A bucket idle for over a second is full again: dropping it changes nothing.
  if (now - last_sweep_ < 10000) return;
  last_sweep_ = now;
  std::erase_if(buckets_,
                [now](const auto& entry) { return now - entry.second.updated_at > 1000; });
}

}  // namespace hotline::sip
