#include "acd/routing_strategy.hpp"

#include <limits>

namespace hotline::acd {

ReadyKey ready_key(Strategy strategy, AgentId agent, const AgentStats& stats,
                   const MemberRank& rank) {
  switch (strategy) {
    case Strategy::round_robin:
      return {rank.position, 0, agent};
    case Strategy::fewest_calls:
      return {stats.answered, stats.idle_since, agent};
    case Strategy::least_talk_time:
      return {stats.talk_ms, stats.idle_since, agent};
    case Strategy::skills:
      return {-rank.level, stats.idle_since, agent};
    case Strategy::longest_idle:
    case Strategy::ring_all:
      break;
  }
  return {stats.idle_since, 0, agent};
}

void ReadyIndex::insert(int tier, const ReadyKey& key) {
  tiers_[tier].insert(key);
}

void ReadyIndex::erase(int tier, const ReadyKey& key) {
  auto it = tiers_.find(tier);
  if (it == tiers_.end()) return;
  it->second.erase(key);
  if (it->second.empty()) tiers_.erase(it);
}

std::optional<int> ReadyIndex::lowest_tier() const {
  if (tiers_.empty()) return std::nullopt;
  return tiers_.begin()->first;
}

std::vector<AgentId> ReadyIndex::pick(Strategy strategy, int tier,
                                      std::int64_t last_position) const {
  const auto& ready = tiers_.at(tier);
  if (strategy == Strategy::ring_all) {
    std::vector<AgentId> all;
    all.reserve(ready.size());
    for (const auto& key : ready) all.push_back(key.agent);
    return all;
  }
  auto chosen = ready.begin();
  if (strategy == Strategy::round_robin) {
    constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
    chosen = ready.lower_bound({last_position + 1, kMin, kMin});
    if (chosen == ready.end()) chosen = ready.begin();
  }
  return {chosen->agent};
}

}  // namespace hotline::acd
