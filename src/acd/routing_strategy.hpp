#pragma once
// Routing strategies as orderings: each strategy turns a ready agent into a sort key, and every
// queue keeps its ready agents per tier in that order, so choosing an agent is a lookup at the
// front of a set (or, for round_robin, just after the last agent chosen), never a scan.
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "acd/acd_types.hpp"

namespace hotline::acd {

// Smallest key first. Keys only change while an agent is not ready (calls, talk time and idle
// time move when a call is answered or ends), so an agent's key is fixed while it is in a set;
// reset_counters and a strategy change rebuild the sets.
struct ReadyKey {
  std::int64_t primary = 0;
  std::int64_t secondary = 0;
  AgentId agent = 0;
  auto operator<=>(const ReadyKey&) const = default;
};

struct AgentStats {
  EpochMs idle_since = 0;  // when the agent became ready (kept when an offer is withdrawn)
  int answered = 0;        // today
  EpochMs talk_ms = 0;     // today
};

struct MemberRank {
  int level = 5;              // skill, 1..10
  std::int64_t position = 0;  // order of joining the queue: the round_robin rotation
};

//   longest_idle, ring_all: (idle_since)            earliest idle first
//   round_robin:            (position)              rotation, see ReadyIndex::pick
//   fewest_calls:           (answered, idle_since)
//   least_talk_time:        (talk_ms, idle_since)
//   skills:                 (-level, idle_since)    highest level, ties by longest idle
// The agent id breaks every remaining tie, so routing is deterministic.
ReadyKey ready_key(Strategy strategy, AgentId agent, const AgentStats& stats,
                   const MemberRank& rank);

// One queue's ready members, per tier.
class ReadyIndex {
 public:
  void insert(int tier, const ReadyKey& key);
  void erase(int tier, const ReadyKey& key);
  void clear() { tiers_.clear(); }
  // The first tier with a ready agent.
  std::optional<int> lowest_tier() const;
  // Whom `strategy` offers a call to in `tier` (which must have ready agents): every agent for
  // ring_all, else one. round_robin takes the first position after `last_position`, wrapping.
  std::vector<AgentId> pick(Strategy strategy, int tier, std::int64_t last_position) const;

 private:
  std::map<int, std::set<ReadyKey>> tiers_;  // no empty sets
};

}  // namespace hotline::acd
