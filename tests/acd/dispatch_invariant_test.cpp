// Random traffic against the engine's indexes: after every dispatch no waiting call may be
// left beside a ready agent of an eligible tier of its queue (what a full scan would find), and
// the per-queue state counts must match the agents' states.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "acd/acd_engine.hpp"

namespace hotline::acd {
namespace {

constexpr EpochMs kT0 = 1'800'000'000'000;
constexpr int kTierWaitSeconds = 10;
const std::vector<std::string> kQueues{"a", "b", "c"};

class RandomTraffic {
 public:
  explicit RandomTraffic(unsigned seed) : random_(seed) {
    const Strategy strategies[] = {Strategy::longest_idle, Strategy::ring_all,
                                   Strategy::round_robin};
    for (std::size_t q = 0; q < kQueues.size(); ++q) {
      QueueConfig config;
      config.name = kQueues[q];
      config.strategy = strategies[q];
      config.tier_wait_seconds = kTierWaitSeconds;
      config.wrap_up_seconds = static_cast<int>(q) * 5;
      engine_.upsert_queue(config);
    }
    for (AgentId id = 1; id <= 8; ++id) {
      std::vector<Membership> memberships;
      for (const auto& queue : kQueues) {
        if (pick(0, 1)) memberships.push_back({queue, pick(1, 3), pick(1, 10)});
      }
      engine_.set_memberships(id, memberships);
    }
  }

  void step() {
    now_ += pick(0, 4000);
    const AgentId agent = pick(1, 8);
    const auto snap = *engine_.agent(agent);
    switch (pick(0, 7)) {
      case 0:
      case 1:
        (void)engine_.enqueue("c" + std::to_string(next_call_++), kQueues[pick(0, 2)], pick(0, 2),
                              now_);
        break;
      case 2:
        (void)engine_.request_state(agent, pick(0, 3) ? AgentState::ready : AgentState::not_ready,
                                    "", now_);
        break;
      case 3:
        if (snap.state == AgentState::ringing) (void)engine_.answered(snap.call, agent, now_);
        break;
      case 4:
        if (snap.state == AgentState::ringing)
          (void)engine_.offer_failed(snap.call, agent, "", now_);
        break;
      case 5:
        (void)engine_.call_finished(agent, now_);
        for (AgentId due : engine_.wrap_ups_due(now_)) (void)engine_.end_wrap_up(due, now_);
        break;
      case 6:
        if (next_call_ > 0)
          (void)engine_.abandon("c" + std::to_string(pick(0, next_call_ - 1)), now_);
        break;
      case 7:
        if (pick(0, 9) == 0) (void)engine_.request_state(agent, AgentState::logged_out, "", now_);
        break;
    }
    engine_.dispatch(now_);
  }

  // Every ready agent against every waiting call: the scan the indexes replace.
  void expect_nothing_left_to_route() const {
    const auto agents = engine_.agents();
    for (int n = 0; n < next_call_; ++n) {
      const auto call = engine_.waiting("c" + std::to_string(n));
      if (!call || call->offered) continue;
      const EpochMs waited = now_ - call->enqueued_at;
      const int eligible = 1 + static_cast<int>(waited / (kTierWaitSeconds * 1000));
      for (const auto& agent : agents) {
        if (agent.state != AgentState::ready) continue;
        for (const auto& membership : agent.memberships) {
          EXPECT_FALSE(membership.queue == call->queue && membership.tier <= eligible)
              << call->call << " waits in " << call->queue << " beside ready agent " << agent.id;
        }
      }
    }
  }

  void expect_state_counts_match() const {
    const auto agents = engine_.agents();
    for (const auto& queue : engine_.queues(now_)) {
      std::map<AgentState, int> expected;
      for (const auto& [state, count] : queue.members_by_state) expected[state] = 0;
      for (const auto& agent : agents) {
        for (const auto& membership : agent.memberships) {
          if (membership.queue == queue.name) ++expected[agent.state];
        }
      }
      EXPECT_EQ(queue.members_by_state, expected) << queue.name;
    }
  }

 private:
  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }

  std::mt19937 random_;
  AcdEngine engine_;
  EpochMs now_ = kT0;
  int next_call_ = 0;
};

TEST(DispatchInvariant, NoWaitingCallIsLeftBesideAnEligibleReadyAgent) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    RandomTraffic traffic(seed);
    for (int i = 0; i < 500; ++i) {
      traffic.step();
      traffic.expect_nothing_left_to_route();
      traffic.expect_state_counts_match();
      if (::testing::Test::HasFailure()) FAIL() << "seed " << seed << " step " << i;
    }
  }
}

}  // namespace
}  // namespace hotline::acd
