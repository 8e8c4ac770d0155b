#pragma once
// Nonces this registrar issued: each lives `lifetime_ms`, and each nonce-count may be used once
// and only in increasing order (replay protection, RFC 7616 3.4). Not thread-safe: it belongs
// to the control thread. A restart forgets every nonce; phones then get stale=true and retry.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.hpp"

namespace hotline::sip {

enum class NonceCheck {
  Valid,
  Stale,    // expired, or unknown (issued before a restart or evicted)
  Replayed  // nonce-count not above the last one accepted, or malformed
};

class NonceTracker {
 public:
  NonceTracker(std::int64_t lifetime_ms, std::size_t capacity = 100000)
      : lifetime_ms_(lifetime_ms), capacity_(capacity) {}

  std::string issue(EpochMs now);
  // `nonce_count` is the nc parameter: 8 hex digits.
  NonceCheck check(const std::string& nonce, const std::string& nonce_count, EpochMs now) const;
  // Records a nonce-count after its request authenticated.
  void accept(const std::string& nonce, const std::string& nonce_count);
  std::size_t size() const { return nonces_.size(); }

 private:
  struct Entry {
    EpochMs issued_at = 0;
    std::uint32_t last_count = 0;
  };
  void evict(EpochMs now);

  std::int64_t lifetime_ms_;
  std::size_t capacity_;
  std::unordered_map<std::string, Entry> nonces_;
  std::deque<std::string> order_;  // issue order, for eviction
};

// nc as a number; nullopt unless it is 1 to 8 hex digits.
std::optional<std::uint32_t> parse_nonce_count(const std::string& text);

}  // namespace hotline::sip
