#include "sip/nonce_tracker.hpp"

#include <charconv>
#include <optional>

#include "common/random.hpp"

namespace hotline::sip {

std::optional<std::uint32_t> parse_nonce_count(const std::string& text) {
  if (text.empty() || text.size() > 8) return std::nullopt;
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string NonceTracker::issue(EpochMs now) {
  evict(now);
  auto nonce = random_token(18);
  nonces_[nonce] = Entry{now, 0};
  order_.push_back(nonce);
  return nonce;
}

NonceCheck NonceTracker::check(const std::string& nonce, const std::string& nonce_count,
                               EpochMs now) const {
  const auto found = nonces_.find(nonce);
  if (found == nonces_.end() || now - found->second.issued_at > lifetime_ms_)
    return NonceCheck::Stale;
  const auto count = parse_nonce_count(nonce_count);
  if (!count || *count <= found->second.last_count) return NonceCheck::Replayed;
  return NonceCheck::Valid;
}

void NonceTracker::accept(const std::string& nonce, const std::string& nonce_count) {
  const auto found = nonces_.find(nonce);
  const auto count = parse_nonce_count(nonce_count);
  if (found != nonces_.end() && count && *count > found->second.last_count)
    found->second.last_count = *count;
}

void NonceTracker::evict(EpochMs now) {
  while (!order_.empty()) {
    const auto found = nonces_.find(order_.front());
    const bool expired = found == nonces_.end() || now - found->second.issued_at > lifetime_ms_;
    if (!expired && nonces_.size() < capacity_) break;
    if (found != nonces_.end()) nonces_.erase(found);
    order_.pop_front();
  }
}

}  // namespace hotline::sip
