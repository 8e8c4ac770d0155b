#include "acd/routing_strategy.hpp"

#include <gtest/gtest.h>

namespace hotline::acd {
namespace {

TEST(RoutingStrategy, KeysOrderAgentsTheWayEachStrategyPrefers) {
  const AgentStats early_busy{.idle_since = 100, .answered = 9, .talk_ms = 9000};
  const AgentStats late_quiet{.idle_since = 200, .answered = 1, .talk_ms = 1000};
  const MemberRank novice{.level = 2, .position = 0};
  const MemberRank expert{.level = 9, .position = 1};
  EXPECT_LT(ready_key(Strategy::longest_idle, 1, early_busy, novice),
            ready_key(Strategy::longest_idle, 2, late_quiet, expert));
  EXPECT_LT(ready_key(Strategy::fewest_calls, 2, late_quiet, expert),
            ready_key(Strategy::fewest_calls, 1, early_busy, novice));
  EXPECT_LT(ready_key(Strategy::least_talk_time, 2, late_quiet, expert),
            ready_key(Strategy::least_talk_time, 1, early_busy, novice));
  EXPECT_LT(ready_key(Strategy::skills, 2, late_quiet, expert),
            ready_key(Strategy::skills, 1, early_busy, novice));
}

TEST(RoutingStrategy, RoundRobinPicksTheNextPositionAndWrapsAround) {
  ReadyIndex index;
  for (std::int64_t position : {0, 2, 5}) {
    index.insert(1, ready_key(Strategy::round_robin, 100 + position, {},
                              {.level = 5, .position = position}));
  }
  EXPECT_EQ(index.pick(Strategy::round_robin, 1, -1), std::vector<AgentId>{100});
  EXPECT_EQ(index.pick(Strategy::round_robin, 1, 0), std::vector<AgentId>{102});
  EXPECT_EQ(index.pick(Strategy::round_robin, 1, 3), std::vector<AgentId>{105});
  EXPECT_EQ(index.pick(Strategy::round_robin, 1, 5), std::vector<AgentId>{100});
}

TEST(RoutingStrategy, TheLowestTierWithAReadyAgentComesFirst) {
  ReadyIndex index;
  const ReadyKey second_line{1, 0, 7};
  index.insert(2, second_line);
  EXPECT_EQ(index.lowest_tier(), 2);
  index.insert(1, {5, 0, 8});
  EXPECT_EQ(index.lowest_tier(), 1);
  index.erase(1, {5, 0, 8});
  EXPECT_EQ(index.lowest_tier(), 2);
  index.erase(2, second_line);
  EXPECT_FALSE(index.lowest_tier());
}

TEST(RoutingStrategy, RingAllPicksEveryReadyAgentOfTheTier) {
  ReadyIndex index;
  index.insert(1, {300, 0, 3});
  index.insert(1, {100, 0, 1});
  index.insert(2, {50, 0, 9});
  EXPECT_EQ(index.pick(Strategy::ring_all, 1, -1), (std::vector<AgentId>{1, 3}));
}

}  // namespace
}  // namespace hotline::acd
