#include "sip/address_blocker.hpp"

#include <fmt/format.h>

namespace hotline::sip {

bool AddressBlocker::is_blocked(const std::string& address, EpochMs now) const {
  const auto found = blocks_.find(address);
  return found != blocks_.end() && found->second.until > now;
}

std::optional<AddressBlock> AddressBlocker::record_failure(const std::string& address,
                                                           EpochMs now) {
  auto& times = failures_[address];
  times.push_back(now);
  while (!times.empty() && now - times.front() > window_ms_) times.pop_front();
  if (static_cast<int>(times.size()) < max_failures_) return std::nullopt;
  failures_.erase(address);
  AddressBlock block{
      address, now, now + block_ms_,
      fmt::format("{} failed authentications within {} s", max_failures_, window_ms_ / 1000)};
  blocks_[address] = block;
  return block;
}

std::vector<AddressBlock> AddressBlocker::blocks(EpochMs now) const {
  std::vector<AddressBlock> active;
  for (const auto& [address, block] : blocks_)
    if (block.until > now) active.push_back(block);
  return active;
}

bool AddressBlocker::unblock(const std::string& address, EpochMs now) {
  failures_.erase(address);
  const auto found = blocks_.find(address);
  if (found == blocks_.end()) return false;
  const bool active = found->second.until > now;
  blocks_.erase(found);
  return active;
}

void AddressBlocker::expire(EpochMs now) {
  std::erase_if(blocks_, [now](const auto& entry) { return entry.second.until <= now; });
  std::erase_if(failures_, [this, now](const auto& entry) {
    return entry.second.empty() || now - entry.second.back() > window_ms_;
  });
}

}  // namespace hotline::sip
