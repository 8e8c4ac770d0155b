#include "acd/acd_engine.hpp"

#include <gtest/gtest.h>

namespace hotline::acd {
namespace {

using S = AgentState;
constexpr EpochMs kSecond = 1000;
constexpr EpochMs kT0 = 1'800'000'000'000;  // an arbitrary wall-clock start

EpochMs at(int seconds) {
  return kT0 + seconds * kSecond;
}

class AcdEngineTest : public ::testing::Test {
 protected:
  void add_queue(const std::string& name, Strategy strategy = Strategy::longest_idle,
                 int wrap_up_seconds = 0) {
    QueueConfig config;
    config.name = name;
    config.strategy = strategy;
    config.wrap_up_seconds = wrap_up_seconds;
    engine.upsert_queue(config);
  }
  // An agent in `queues` (tier 1, level 5) who becomes ready at `ready_at`.
  void add_ready_member(AgentId id, std::vector<Membership> memberships, EpochMs ready_at) {
    engine.set_memberships(id, std::move(memberships));
    ASSERT_TRUE(engine.request_state(id, S::ready, "", ready_at).ok());
  }
  void add_ready_agent(AgentId id, const std::string& queue, EpochMs ready_at) {
    add_ready_member(id, {{queue}}, ready_at);
  }
  // Enqueues, dispatches and returns the agents the call was offered to.
  std::vector<AgentId> route(const CallKey& call, const std::string& queue, EpochMs now,
                             int priority = 0) {
    EXPECT_TRUE(engine.enqueue(call, queue, priority, now).ok());
    return offered_agents(call, now);
  }
  std::vector<AgentId> offered_agents(const CallKey& call, EpochMs now) {
    for (const Offer& offer : engine.dispatch(now)) {
      if (offer.call == call) return offer.agents;
    }
    return {};
  }
  // Answers and finishes a call (queues without wrap-up: the agent is ready again at `now`).
  void serve(const CallKey& call, AgentId agent, EpochMs answered_at, EpochMs finished_at) {
    ASSERT_TRUE(engine.answered(call, agent, answered_at).ok());
    ASSERT_TRUE(engine.call_finished(agent, finished_at).ok());
  }
  S state(AgentId id) const { return engine.agent(id)->state; }

  AcdEngine engine;
};

// --- Strategies ---

TEST_F(AcdEngineTest, LongestIdleOffersTheAgentReadyTheLongest) {
  add_queue("pension");
  add_ready_agent(1, "pension", at(20));
  add_ready_agent(2, "pension", at(10));
  add_ready_agent(3, "pension", at(30));
  EXPECT_EQ(route("c1", "pension", at(40)), std::vector<AgentId>{2});
}

TEST_F(AcdEngineTest, LongestIdleCountsFromTheEndOfTheLastCall) {
  add_queue("pension");
  add_ready_agent(1, "pension", at(0));
  add_ready_agent(2, "pension", at(10));
  EXPECT_EQ(route("c1", "pension", at(20)), std::vector<AgentId>{1});
  serve("c1", 1, at(21), at(60));
  EXPECT_EQ(route("c2", "pension", at(70)), std::vector<AgentId>{2});
}

TEST_F(AcdEngineTest, RoundRobinRotatesThroughTheMembersInOrder) {
  add_queue("medical", Strategy::round_robin);
  for (AgentId id : {1, 2, 3}) engine.set_memberships(id, {{"medical"}});
  // Ready in the reverse order, so that longest idle would choose differently.
  for (AgentId id : {3, 2, 1}) ASSERT_TRUE(engine.request_state(id, S::ready, "", at(id)).ok());
  std::vector<AgentId> chosen;
  for (int i = 0; i < 4; ++i) {
    const CallKey call = "c" + std::to_string(i);
    const auto agents = route(call, "medical", at(10 + i * 10));
    ASSERT_EQ(agents.size(), 1u);
    chosen.push_back(agents.front());
    serve(call, agents.front(), at(11 + i * 10), at(12 + i * 10));
  }
  EXPECT_EQ(chosen, (std::vector<AgentId>{1, 2, 3, 1}));
}

TEST_F(AcdEngineTest, FewestCallsPrefersTheAgentWithFewerAnsweredCallsToday) {
  add_queue("pension", Strategy::fewest_calls);
  add_ready_agent(1, "pension", at(0));
  add_ready_agent(2, "pension", at(1));
  EXPECT_EQ(route("c1", "pension", at(2)), std::vector<AgentId>{1});
  serve("c1", 1, at(3), at(4));
  ASSERT_TRUE(engine.request_state(2, S::not_ready, "小休", at(5)).ok());
  ASSERT_TRUE(engine.request_state(2, S::ready, "", at(50)).ok());
  // Agent 1 idles since 4 s, agent 2 since 50 s, but agent 1 answered one call today.
  EXPECT_EQ(route("c2", "pension", at(60)), std::vector<AgentId>{2});
}

TEST_F(AcdEngineTest, LeastTalkTimePrefersTheAgentWhoTalkedLeastToday) {
  add_queue("pension", Strategy::least_talk_time);
  add_ready_agent(1, "pension", at(0));
  add_ready_agent(2, "pension", at(1));
  ASSERT_EQ(route("c1", "pension", at(2)), std::vector<AgentId>{1});
  ASSERT_EQ(route("c2", "pension", at(2)), std::vector<AgentId>{2});
  serve("c1", 1, at(3), at(300));    // 297 s of talk, ready again first
  serve("c2", 2, at(290), at(310));  // 20 s of talk
  EXPECT_EQ(route("c3", "pension", at(320)), std::vector<AgentId>{2});
}

TEST_F(AcdEngineTest, RingAllOffersEveryReadyAgentAndTheFirstAnswerWithdrawsTheRest) {
  add_queue("hotline", Strategy::ring_all);
  add_ready_agent(1, "hotline", at(0));
  add_ready_agent(2, "hotline", at(1));
  add_ready_agent(3, "hotline", at(2));
  ASSERT_TRUE(engine.request_state(3, S::not_ready, "小休", at(3)).ok());
  EXPECT_EQ(route("c1", "hotline", at(10)), (std::vector<AgentId>{1, 2}));
  EXPECT_EQ(state(1), S::ringing);
  EXPECT_EQ(state(2), S::ringing);
  engine.take_changes();

  auto withdrawn = engine.answered("c1", 2, at(12));
  ASSERT_TRUE(withdrawn.ok());
  EXPECT_EQ(*withdrawn, std::vector<AgentId>{1});
  EXPECT_EQ(state(2), S::talking);
  EXPECT_EQ(state(1), S::ready);
  EXPECT_EQ(engine.agent(1)->idle_since, at(0));  // losing a ring_all race costs no idle time
  const auto changes = engine.take_changes();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].agent, 1);
  EXPECT_EQ(changes[1].reason, "answered_elsewhere");
  EXPECT_FALSE(engine.answered("c1", 1, at(13)).ok());
}

TEST_F(AcdEngineTest, RingAllRequeuesTheCallOnlyWhenEveryOfferedAgentFailed) {
  add_queue("hotline", Strategy::ring_all);
  add_ready_agent(1, "hotline", at(0));
  add_ready_agent(2, "hotline", at(1));
  ASSERT_EQ(route("c1", "hotline", at(10)).size(), 2u);
  ASSERT_TRUE(engine.offer_failed("c1", 1, "", at(25)).ok());
  EXPECT_TRUE(engine.waiting("c1")->offered);
  ASSERT_TRUE(engine.offer_failed("c1", 2, "unreachable", at(25)).ok());
  EXPECT_FALSE(engine.waiting("c1")->offered);
  EXPECT_EQ(engine.agent(2)->reason, "unreachable");
}

TEST_F(AcdEngineTest, SkillsPicksTheHighestLevelAndBreaksTiesByLongestIdle) {
  add_queue("policy", Strategy::skills);
  add_ready_member(1, {{"policy", 1, 6}}, at(0));
  add_ready_member(2, {{"policy", 1, 9}}, at(20));
  add_ready_member(3, {{"policy", 1, 9}}, at(10));
  EXPECT_EQ(route("c1", "policy", at(30)), std::vector<AgentId>{3});
  EXPECT_EQ(route("c2", "policy", at(31)), std::vector<AgentId>{2});
  EXPECT_EQ(route("c3", "policy", at(32)), std::vector<AgentId>{1});
}

TEST_F(AcdEngineTest, ChangingAQueuesStrategyReordersItsReadyAgents) {
  add_queue("policy");
  add_ready_member(1, {{"policy", 1, 3}}, at(0));
  add_ready_member(2, {{"policy", 1, 8}}, at(10));
  add_queue("policy", Strategy::skills);
  EXPECT_EQ(route("c1", "policy", at(20)), std::vector<AgentId>{2});
}

// --- Tiers ---

TEST_F(AcdEngineTest, TierTwoIsOfferedOnlyAfterTheTierWait) {
  add_queue("pension");  // tier_wait_seconds = 30
  add_ready_member(2, {{"pension", 2, 5}}, at(0));
  ASSERT_TRUE(engine.enqueue("c1", "pension", 0, at(100)).ok());
  EXPECT_TRUE(engine.dispatch(at(100)).empty());
  EXPECT_EQ(engine.next_escalation(), at(130));
  EXPECT_TRUE(engine.dispatch(at(129)).empty());
  EXPECT_EQ(offered_agents("c1", at(130)), std::vector<AgentId>{2});
  EXPECT_FALSE(engine.next_escalation());
}

TEST_F(AcdEngineTest, TierOneIsPreferredWhenSeveralTiersAreEligible) {
  add_queue("pension");
  add_ready_member(2, {{"pension", 2, 10}}, at(0));  // idle longer, more skilled
  add_ready_member(1, {{"pension", 1, 1}}, at(50));
  ASSERT_TRUE(engine.enqueue("c1", "pension", 0, at(0)).ok());
  EXPECT_EQ(offered_agents("c1", at(60)), std::vector<AgentId>{1});
}

TEST_F(AcdEngineTest, ATierThreeAgentWaitsForTwoTierSteps) {
  add_queue("pension");
  add_ready_member(3, {{"pension", 3, 5}}, at(0));
  ASSERT_TRUE(engine.enqueue("c1", "pension", 0, at(0)).ok());
  EXPECT_TRUE(engine.dispatch(at(30)).empty());
  EXPECT_TRUE(engine.dispatch(at(59)).empty());
  EXPECT_EQ(offered_agents("c1", at(60)), std::vector<AgentId>{3});
}

// --- Call order ---

TEST_F(AcdEngineTest, HigherPriorityFirstThenFirstInFirstOut) {
  add_queue("pension");
  EXPECT_EQ(*engine.enqueue("old", "pension", 0, at(0)), 1);
  EXPECT_EQ(*engine.enqueue("new", "pension", 0, at(5)), 2);
  EXPECT_EQ(*engine.enqueue("vip", "pension", 5, at(10)), 1);
  EXPECT_EQ(engine.position("old"), 2);
  EXPECT_EQ(engine.position("new"), 3);
  add_ready_agent(1, "pension", at(20));
  add_ready_agent(2, "pension", at(21));
  add_ready_agent(3, "pension", at(22));
  const auto offers = engine.dispatch(at(30));
  ASSERT_EQ(offers.size(), 3u);
  EXPECT_EQ(offers[0].call, "vip");
  EXPECT_EQ(offers[0].agents, std::vector<AgentId>{1});
  EXPECT_EQ(offers[1].call, "old");
  EXPECT_EQ(offers[2].call, "new");
}

TEST_F(AcdEngineTest, AnAgentInTwoQueuesTakesTheLongestWaitingCall) {
  add_queue("pension");
  add_queue("medical");
  ASSERT_TRUE(engine.enqueue("medical-call", "medical", 0, at(5)).ok());
  ASSERT_TRUE(engine.enqueue("pension-call", "pension", 0, at(10)).ok());
  add_ready_member(1, {{"pension"}, {"medical"}}, at(20));
  const auto offers = engine.dispatch(at(20));
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].call, "medical-call");
  EXPECT_EQ(offers[0].queue, "medical");
}

TEST_F(AcdEngineTest, AnAgentInTwoQueuesTakesAHigherPriorityCallBeforeAnOlderOne) {
  add_queue("pension");
  add_queue("medical");
  ASSERT_TRUE(engine.enqueue("medical-call", "medical", 0, at(5)).ok());
  ASSERT_TRUE(engine.enqueue("pension-call", "pension", 3, at(10)).ok());
  add_ready_member(1, {{"pension"}, {"medical"}}, at(20));
  const auto offers = engine.dispatch(at(20));
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].call, "pension-call");
}

TEST_F(AcdEngineTest, CallbackEntriesKeepTheirPlaceInTheLine) {
  add_queue("pension");
  ASSERT_TRUE(engine.enqueue("c1", "pension", 0, at(0)).ok());
  EXPECT_EQ(*engine.enqueue("callback:7", "pension", 0, at(1), true), 2);
  ASSERT_TRUE(engine.enqueue("c2", "pension", 0, at(2)).ok());
  EXPECT_TRUE(engine.waiting("callback:7")->callback);
  ASSERT_TRUE(engine.abandon("c1", at(3)));
  EXPECT_EQ(engine.position("callback:7"), 1);
  add_ready_agent(1, "pension", at(4));
  EXPECT_EQ(offered_agents("callback:7", at(4)), std::vector<AgentId>{1});
}

TEST_F(AcdEngineTest, OverflowToAnotherQueueKeepsTheOriginalEnqueueTime) {
  add_queue("pension");
  add_queue("general");
  ASSERT_TRUE(engine.enqueue("early", "pension", 0, at(0)).ok());
  ASSERT_TRUE(engine.enqueue("late", "general", 0, at(10)).ok());
  ASSERT_TRUE(engine.move_to("early", "general", at(60)).ok());
  EXPECT_EQ(engine.waiting("early")->queue, "general");
  EXPECT_EQ(engine.waiting("early")->enqueued_at, at(0));
  EXPECT_EQ(engine.position("early"), 1);
  EXPECT_EQ(engine.move_to("early", "nowhere", at(60)).error().code, "not_found");
}

TEST_F(AcdEngineTest, OverflowIntoAFullQueueIsRefused) {
  add_queue("pension");
  QueueConfig small;
  small.name = "small";
  small.max_length = 1;
  engine.upsert_queue(small);
  ASSERT_TRUE(engine.enqueue("c1", "small", 0, at(0)).ok());
  ASSERT_TRUE(engine.enqueue("c2", "pension", 0, at(0)).ok());
  EXPECT_EQ(engine.move_to("c2", "small", at(1)).error().code, "queue_full");
  EXPECT_EQ(engine.waiting("c2")->queue, "pension");
}

TEST_F(AcdEngineTest, WithdrawnCallsAreNotCountedAsAbandoned) {
  add_queue("pension");
  add_ready_agent(1, "pension", at(0));
  ASSERT_EQ(route("c1", "pension", at(1)), std::vector<AgentId>{1});
  ASSERT_TRUE(engine.enqueue("c2", "pension", 0, at(2)).ok());
  const auto offered = engine.withdraw("c1", at(3));
  ASSERT_TRUE(offered);
  EXPECT_TRUE(offered->offered);
  EXPECT_EQ(engine.agent(1)->reason, "withdrawn");
  ASSERT_TRUE(engine.withdraw("c2", at(3)));
  EXPECT_FALSE(engine.withdraw("c2", at(3)));
  EXPECT_EQ(engine.queue_snapshot("pension", at(3))->abandoned, 0);
  EXPECT_EQ(engine.queue_snapshot("pension", at(3))->waiting, 0);
}

// --- Agent states ---

TEST_F(AcdEngineTest, LoggingInAndOutReportsEveryChange) {
  engine.set_memberships(1, {{"pension"}});
  EXPECT_EQ(state(1), S::logged_out);
  ASSERT_TRUE(engine.request_state(1, S::not_ready, "小休", at(0)).ok());
  ASSERT_TRUE(engine.request_state(1, S::not_ready, "培训", at(1)).ok());
  ASSERT_TRUE(engine.request_state(1, S::not_ready, "培训", at(2)).ok());  // no change
  ASSERT_TRUE(engine.request_state(1, S::ready, "", at(3)).ok());
  ASSERT_TRUE(engine.request_state(1, S::logged_out, "", at(4)).ok());
  const auto changes = engine.take_changes();
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].from, S::logged_out);
  EXPECT_EQ(changes[0].to, S::not_ready);
  EXPECT_EQ(changes[0].reason, "小休");
  EXPECT_EQ(changes[1].reason, "培训");
  EXPECT_EQ(changes[2].to, S::ready);
  EXPECT_EQ(changes[2].at, at(3));
  EXPECT_EQ(changes[3].to, S::logged_out);
  EXPECT_TRUE(engine.take_changes().empty());
}

TEST_F(AcdEngineTest, ACallGoesFromRingingToTalkingToWrapUpAndBackToReady) {
  add_queue("pension", Strategy::longest_idle, 30);
  add_ready_agent(1, "pension", at(0));
  ASSERT_EQ(route("c1", "pension", at(10)), std::vector<AgentId>{1});
  ASSERT_TRUE(engine.answered("c1", 1, at(15)).ok());
  EXPECT_FALSE(engine.waiting("c1"));
  ASSERT_TRUE(engine.call_finished(1, at(75)).ok());
  EXPECT_EQ(state(1), S::wrap_up);
  EXPECT_EQ(engine.agent(1)->wrap_up_until, at(105));
  EXPECT_EQ(engine.agent(1)->talk_ms, 60 * kSecond);
  EXPECT_TRUE(engine.wrap_ups_due(at(104)).empty());
  EXPECT_EQ(engine.wrap_ups_due(at(105)), std::vector<AgentId>{1});
  ASSERT_TRUE(engine.end_wrap_up(1, at(105)).ok());
  EXPECT_EQ(state(1), S::ready);
  EXPECT_EQ(engine.agent(1)->idle_since, at(105));

  std::vector<std::pair<S, S>> seen;
  std::vector<CallKey> calls;
  for (const auto& change : engine.take_changes()) {
    seen.emplace_back(change.from, change.to);
    calls.push_back(change.call);
  }
  EXPECT_EQ(seen, (std::vector<std::pair<S, S>>{{S::logged_out, S::ready},
                                                {S::ready, S::ringing},
                                                {S::ringing, S::talking},
                                                {S::talking, S::wrap_up},
                                                {S::wrap_up, S::ready}}));
  EXPECT_EQ(calls, (std::vector<CallKey>{"", "c1", "c1", "c1", ""}));
}

TEST_F(AcdEngineTest, AQueueWithoutWrapUpMakesTheAgentReadyAtOnce) {
  add_queue("pension", Strategy::longest_idle, 0);
  add_ready_agent(1, "pension", at(0));
  ASSERT_EQ(route("c1", "pension", at(10)), std::vector<AgentId>{1});
  serve("c1", 1, at(11), at(20));
  EXPECT_EQ(state(1), S::ready);
}

TEST_F(AcdEngineTest, ReadyDuringWrapUpEndsItEarly) {
  add_queue("pension", Strategy::longest_idle, 30);
  add_ready_agent(1, "pension", at(0));
  ASSERT_EQ(route("c1", "pension", at(10)).size(), 1u);
  serve("c1", 1, at(11), at(20));
  ASSERT_TRUE(engine.request_state(1, S::ready, "", at(25)).ok());
  EXPECT_EQ(state(1), S::ready);
  EXPECT_TRUE(engine.wrap_ups_due(at(100)).empty());
}

TEST_F(AcdEngineTest, NotReadyRequestedDuringACallIsAppliedWhenWrapUpEnds) {
  add_queue("pension", Strategy::longest_idle, 30);
  add_ready_agent(1, "pension", at(0));
  ASSERT_EQ(route("c1", "pension", at(10)).size(), 1u);
  ASSERT_TRUE(engine.answered("c1", 1, at(11)).ok());
  ASSERT_TRUE(engine.request_state(1, S::not_ready, "小休", at(12)).ok());
  EXPECT_EQ(state(1), S::talking);
  EXPECT_EQ(engine.agent(1)->after_call, S::not_ready);
  ASSERT_TRUE(engine.call_finished(1, at(20)).ok());
  EXPECT_EQ(state(1), S::wrap_up);
  ASSERT_TRUE(engine.end_wrap_up(1, at(50)).ok());
  EXPECT_EQ(state(1), S::not_ready);
  EXPECT_EQ(engine.agent(1)->reason, "小休");
  EXPECT_FALSE(engine.agent(1)->after_call);
}

TEST_F(AcdEngineTest, ReadyDuringACallCancelsARequestedLogout) {
  add_queue("pension", Strategy::longest_idle, 0);
  add_ready_agent(1, "pension", at(0));
  ASSERT_EQ(route("c1", "pension", at(10)).size(), 1u);
  ASSERT_TRUE(engine.answered("c1", 1, at(11)).ok());
  ASSERT_TRUE(engine.request_state(1, S::logged_out, "", at(12)).ok());
  ASSERT_TRUE(engine.request_state(1, S::ready, "", at(13)).ok());
  ASSERT_TRUE(engine.call_finished(1, at(20)).ok());
  EXPECT_EQ(state(1), S::ready);
}

TEST_F(AcdEngineTest, ADirectCallKeepsAReadyAgentFromOffersAndReturnsThemToReady) {
  add_queue("pension", Strategy::longest_idle, 30);
  add_ready_agent(1, "pension", at(0));
  ASSERT_TRUE(engine.direct_call_started(1, "d1", "direct", at(5)).ok());
  EXPECT_EQ(state(1), S::talking);
  EXPECT_EQ(engine.agent(1)->reason, "direct");
  EXPECT_TRUE(route("c1", "pension", at(6)).empty());  // nobody to offer it to
  ASSERT_TRUE(engine.direct_call_ended(1, "d1", at(65)).ok());
  EXPECT_EQ(state(1), S::ready);  // no wrap-up after a call the ACD did not route
  EXPECT_EQ(engine.agent(1)->talk_ms, 60 * kSecond);
  EXPECT_EQ(offered_agents("c1", at(66)), std::vector<AgentId>{1});
}

TEST_F(AcdEngineTest, ADirectCallReturnsANotReadyAgentToTheirReason) {
  add_queue("pension");
  engine.set_memberships(1, {{"pension"}});
  ASSERT_TRUE(engine.request_state(1, S::not_ready, "用餐", at(0)).ok());
  ASSERT_TRUE(engine.direct_call_started(1, "d1", "outbound", at(5)).ok());
  EXPECT_EQ(engine.agent(1)->after_call, S::not_ready);
  ASSERT_TRUE(engine.direct_call_ended(1, "d1", at(9)).ok());
  EXPECT_EQ(state(1), S::not_ready);
  EXPECT_EQ(engine.agent(1)->reason, "用餐");
}

TEST_F(AcdEngineTest, AStateAskedForDuringADirectCallWinsWhenItEnds) {
  add_queue("pension");
  engine.set_memberships(1, {{"pension"}});
  ASSERT_TRUE(engine.request_state(1, S::not_ready, "会议", at(0)).ok());
  ASSERT_TRUE(engine.direct_call_started(1, "d1", "direct", at(5)).ok());
  ASSERT_TRUE(engine.request_state(1, S::ready, "", at(6)).ok());  // cancels the way back
  ASSERT_TRUE(engine.direct_call_ended(1, "d1", at(9)).ok());
  EXPECT_EQ(state(1), S::ready);
}

TEST_F(AcdEngineTest, DirectCallsAreRefusedWhileRingingOrLoggedOutAndEndOnlyTheirOwnCall) {
  add_queue("pension");
  engine.set_memberships(2, {{"pension"}});
  EXPECT_EQ(engine.direct_call_started(2, "d2", "direct", at(0)).error().code, "invalid_state");
  add_ready_agent(1, "pension", at(0));
  ASSERT_EQ(route("c1", "pension", at(1)), std::vector<AgentId>{1});
  EXPECT_EQ(engine.direct_call_started(1, "d1", "direct", at(2)).error().code, "invalid_state");
  ASSERT_TRUE(engine.answered("c1", 1, at(3)).ok());
  EXPECT_EQ(engine.direct_call_ended(1, "c1", at(4)).error().code, "invalid_state");
  EXPECT_EQ(engine.direct_call_started(9, "d9", "direct", at(0)).error().code, "not_found");
}

TEST_F(AcdEngineTest, RingTimeoutMakesTheAgentNotReadyAndPutsTheCallBackAtTheHead) {
  add_queue("pension");
  add_ready_agent(1, "pension", at(0));
  ASSERT_EQ(route("first", "pension", at(10)), std::vector<AgentId>{1});
  ASSERT_TRUE(engine.enqueue("second", "pension", 0, at(12)).ok());
  EXPECT_EQ(engine.position("first"), 0);  // offered
  EXPECT_EQ(engine.position("second"), 1);

  ASSERT_TRUE(engine.offer_failed("first", 1, "", at(25)).ok());
  EXPECT_EQ(state(1), S::not_ready);
  EXPECT_EQ(engine.agent(1)->reason, "no_answer");
  const auto back = engine.waiting("first");
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->offered);
  EXPECT_EQ(back->enqueued_at, at(10));
  EXPECT_EQ(engine.position("first"), 1);
  EXPECT_EQ(engine.position("second"), 2);

  add_ready_agent(2, "pension", at(26));
  EXPECT_EQ(offered_agents("first", at(26)), std::vector<AgentId>{2});
}

TEST_F(AcdEngineTest, InvalidRequestsAreRefusedWithCodes) {
  add_queue("pension");
  EXPECT_EQ(engine.request_state(99, S::ready, "", at(0)).error().code, "not_found");
  add_ready_agent(1, "pension", at(0));
  EXPECT_EQ(engine.request_state(1, S::talking, "", at(1)).error().code, "invalid_argument");
  EXPECT_EQ(engine.call_finished(1, at(1)).error().code, "invalid_state");
  EXPECT_EQ(engine.end_wrap_up(1, at(1)).error().code, "invalid_state");
  ASSERT_EQ(route("c1", "pension", at(2)), std::vector<AgentId>{1});
  EXPECT_EQ(engine.request_state(1, S::not_ready, "", at(3)).error().code, "invalid_state");
  EXPECT_EQ(engine.request_state(1, S::logged_out, "", at(3)).error().code, "invalid_state");
  engine.set_memberships(2, {{"pension"}});
  EXPECT_EQ(engine.answered("c1", 2, at(4)).error().code, "invalid_state");
  EXPECT_EQ(engine.answered("nope", 1, at(4)).error().code, "not_found");
  EXPECT_EQ(engine.offer_failed("c1", 2, "", at(4)).error().code, "invalid_state");
  EXPECT_EQ(engine.remove_agent(1, at(4)).error().code, "invalid_state");
  EXPECT_EQ(engine.move_to("c1", "pension", at(4)).error().code, "invalid_state");
  EXPECT_EQ(state(1), S::ringing);
}

TEST_F(AcdEngineTest, RemovingAnAgentLogsItOutOfItsQueues) {
  add_queue("pension");
  add_ready_agent(1, "pension", at(0));
  engine.take_changes();
  ASSERT_TRUE(engine.remove_agent(1, at(5)).ok());
  EXPECT_FALSE(engine.agent(1));
  const auto changes = engine.take_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].to, S::logged_out);
  EXPECT_EQ(changes[0].reason, "removed");
  EXPECT_EQ(engine.queue_snapshot("pension", at(5))->members_by_state.at(S::logged_out), 0);
  EXPECT_TRUE(route("c1", "pension", at(6)).empty());
}

TEST_F(AcdEngineTest, RestoreSetsTheStateWithoutReportingAChange) {
  add_queue("pension", Strategy::longest_idle, 30);
  engine.set_memberships(1, {{"pension"}});
  engine.set_memberships(2, {{"pension"}});
  ASSERT_TRUE(engine.restore(1, S::ready, "", at(-100)).ok());
  ASSERT_TRUE(engine.restore(2, S::wrap_up, "", at(-10)).ok());
  EXPECT_EQ(engine.restore(3, S::talking, "", at(0)).error().code, "invalid_argument");
  EXPECT_TRUE(engine.take_changes().empty());
  EXPECT_EQ(engine.agent(1)->idle_since, at(-100));
  EXPECT_EQ(engine.wrap_ups_due(at(20)), std::vector<AgentId>{2});
  EXPECT_EQ(route("c1", "pension", at(0)), std::vector<AgentId>{1});
  ASSERT_TRUE(engine.restore(2, S::wrap_up, "", at(0)).ok());  // restored again: one deadline
  EXPECT_TRUE(engine.wrap_ups_due(at(29)).empty());
  EXPECT_EQ(engine.wrap_ups_due(at(30)), std::vector<AgentId>{2});
}

TEST_F(AcdEngineTest, MembershipChangesOfAReadyAgentTakeEffectAtOnce) {
  add_queue("pension");
  add_queue("medical");
  add_ready_agent(1, "pension", at(0));
  ASSERT_TRUE(engine.enqueue("c1", "medical", 0, at(1)).ok());
  EXPECT_TRUE(engine.dispatch(at(1)).empty());
  engine.set_memberships(1, {{"medical"}});
  EXPECT_EQ(offered_agents("c1", at(2)), std::vector<AgentId>{1});
  EXPECT_EQ(engine.queue_snapshot("pension", at(2))->members_by_state.at(S::ringing), 0);
  EXPECT_EQ(engine.queue_snapshot("medical", at(2))->members_by_state.at(S::ringing), 1);
}

// --- Queue limits ---

TEST_F(AcdEngineTest, EnqueueRefusesAFullQueueAnUnknownQueueAndDuplicates) {
  QueueConfig config;
  config.name = "small";
  config.max_length = 2;
  engine.upsert_queue(config);
  ASSERT_TRUE(engine.enqueue("c1", "small", 0, at(0)).ok());
  ASSERT_TRUE(engine.enqueue("c2", "small", 0, at(0)).ok());
  EXPECT_EQ(engine.enqueue("c3", "small", 0, at(0)).error().code, "queue_full");
  EXPECT_EQ(engine.enqueue("c1", "small", 0, at(0)).error().code, "duplicate");
  EXPECT_EQ(engine.enqueue("c4", "missing", 0, at(0)).error().code, "not_found");
  ASSERT_TRUE(engine.withdraw("c1", at(1)));
  EXPECT_TRUE(engine.enqueue("c3", "small", 0, at(1)).ok());
}

TEST_F(AcdEngineTest, CallsBeyondMaxWaitAreReported) {
  QueueConfig config;
  config.name = "pension";
  config.max_wait_seconds = 60;
  engine.upsert_queue(config);
  ASSERT_TRUE(engine.enqueue("old", "pension", 0, at(0)).ok());
  ASSERT_TRUE(engine.enqueue("vip", "pension", 9, at(5)).ok());
  ASSERT_TRUE(engine.enqueue("young", "pension", 0, at(30)).ok());
  EXPECT_TRUE(engine.over_max_wait(at(59)).empty());
  EXPECT_EQ(engine.over_max_wait(at(65)), (std::vector<CallKey>{"vip", "old"}));
}

TEST_F(AcdEngineTest, RemovingAQueueWithWaitingCallsIsRefused) {
  add_queue("pension");
  ASSERT_TRUE(engine.enqueue("c1", "pension", 0, at(0)).ok());
  EXPECT_EQ(engine.remove_queue("pension").error().code, "not_empty");
  ASSERT_TRUE(engine.abandon("c1", at(1)));
  EXPECT_TRUE(engine.remove_queue("pension").ok());
  EXPECT_FALSE(engine.queue_snapshot("pension", at(1)));
  EXPECT_EQ(engine.remove_queue("pension").error().code, "not_found");
}

// --- Abandon ---

TEST_F(AcdEngineTest, AbandonWhileOfferedFreesTheRingingAgent) {
  add_queue("pension");
  add_ready_agent(1, "pension", at(0));
  ASSERT_EQ(route("c1", "pension", at(10)), std::vector<AgentId>{1});
  engine.take_changes();
  const auto gone = engine.abandon("c1", at(12));
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->offered);
  EXPECT_EQ(state(1), S::ready);
  EXPECT_EQ(engine.agent(1)->idle_since, at(0));
  const auto changes = engine.take_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].reason, "abandoned");
  EXPECT_EQ(engine.queue_snapshot("pension", at(12))->abandoned, 1);
  EXPECT_EQ(route("c2", "pension", at(13)), std::vector<AgentId>{1});
}

// --- Prediction ---

TEST_F(AcdEngineTest, PredictedWaitIsZeroWhenAnEligibleAgentIsReady) {
  add_queue("pension");
  add_ready_member(2, {{"pension", 2, 5}}, at(0));
  ASSERT_TRUE(engine.enqueue("c1", "pension", 0, at(0)).ok());
  EXPECT_GT(*engine.predicted_wait_seconds("c1", at(0)), 0);  // only a tier-2 agent is ready
  EXPECT_EQ(engine.predicted_wait_seconds("c1", at(30)), 0);
  EXPECT_FALSE(engine.predicted_wait_seconds("unknown", at(30)));
}

TEST_F(AcdEngineTest, PredictedWaitFallsBackToHandleTimeSharedByLoggedInMembers) {
  add_queue("pension");
  for (AgentId id : {1, 2, 3, 4}) engine.set_memberships(id, {{"pension"}});
  ASSERT_TRUE(engine.request_state(1, S::not_ready, "小休", at(0)).ok());
  ASSERT_TRUE(engine.request_state(2, S::not_ready, "小休", at(0)).ok());
  ASSERT_TRUE(engine.enqueue("c1", "pension", 0, at(0)).ok());
  ASSERT_TRUE(engine.enqueue("c2", "pension", 0, at(1)).ok());
  // No history: 180 s per call shared by the 2 logged-in members.
  EXPECT_EQ(engine.predicted_wait_seconds("c2", at(1)), 180);
}

TEST_F(AcdEngineTest, PredictedWaitFollowsTheQueuesRecentServiceRate) {
  add_queue("pension");
  add_ready_agent(1, "pension", at(0));
  // Scripted history: a call answered every 60 s, each talked 10 s.
  for (int i = 0; i < 5; ++i) {
    const CallKey call = "h" + std::to_string(i);
    ASSERT_EQ(route(call, "pension", at(60 * i)), std::vector<AgentId>{1});
    serve(call, 1, at(60 * i + 60), at(60 * i + 70));
    ASSERT_TRUE(engine.request_state(1, S::not_ready, "", at(60 * i + 70)).ok());
    ASSERT_TRUE(engine.request_state(1, S::ready, "", at(60 * i + 119)).ok());
  }
  ASSERT_TRUE(engine.request_state(1, S::not_ready, "小休", at(300)).ok());
  ASSERT_TRUE(engine.enqueue("w1", "pension", 0, at(300)).ok());
  ASSERT_TRUE(engine.enqueue("w2", "pension", 0, at(300)).ok());
  // 5 departures over the 300 s observed: one per 60 s.
  EXPECT_EQ(engine.predicted_wait_seconds("w1", at(300)), 60);
  EXPECT_EQ(engine.predicted_wait_seconds("w2", at(300)), 120);
}

// --- Counters ---

TEST_F(AcdEngineTest, CountersTrackServiceLevelAbandonedCallsAndReset) {
  add_queue("pension");
  for (AgentId id : {1, 2, 3}) add_ready_agent(id, "pension", at(id));
  ASSERT_TRUE(engine.enqueue("fast", "pension", 0, at(100)).ok());
  ASSERT_TRUE(engine.enqueue("medium", "pension", 0, at(100)).ok());
  ASSERT_TRUE(engine.enqueue("slow", "pension", 0, at(100)).ok());
  ASSERT_TRUE(engine.enqueue("gone", "pension", 0, at(100)).ok());
  const auto offers = engine.dispatch(at(100));
  ASSERT_EQ(offers.size(), 3u);
  ASSERT_TRUE(engine.answered("fast", offers[0].agents[0], at(115)).ok());
  ASSERT_TRUE(engine.answered("medium", offers[1].agents[0], at(120)).ok());
  ASSERT_TRUE(engine.answered("slow", offers[2].agents[0], at(121)).ok());
  ASSERT_TRUE(engine.abandon("gone", at(130)));
  ASSERT_TRUE(engine.call_finished(offers[0].agents[0], at(140)).ok());

  auto snap = *engine.queue_snapshot("pension", at(150));
  EXPECT_EQ(snap.answered, 3);
  EXPECT_EQ(snap.answered_within_15s, 1);
  EXPECT_EQ(snap.answered_within_20s, 2);
  EXPECT_EQ(snap.abandoned, 1);
  EXPECT_EQ(snap.waiting, 0);
  EXPECT_EQ(engine.agent(offers[0].agents[0])->answered, 1);
  EXPECT_EQ(engine.agent(offers[0].agents[0])->talk_ms, 25 * kSecond);

  engine.reset_counters(at(200));
  snap = *engine.queue_snapshot("pension", at(200));
  EXPECT_EQ(snap.answered, 0);
  EXPECT_EQ(snap.answered_within_15s, 0);
  EXPECT_EQ(snap.abandoned, 0);
  EXPECT_EQ(engine.agent(offers[0].agents[0])->answered, 0);
  EXPECT_EQ(engine.agent(offers[0].agents[0])->talk_ms, 0);
  // Talk in progress counts from the reset.
  ASSERT_TRUE(engine.call_finished(offers[1].agents[0], at(210)).ok());
  EXPECT_EQ(engine.agent(offers[1].agents[0])->talk_ms, 10 * kSecond);
}

TEST_F(AcdEngineTest, SnapshotsShowWaitingCallsAndMembersByState) {
  add_queue("pension");
  add_ready_agent(1, "pension", at(0));
  engine.set_memberships(2, {{"pension"}});
  ASSERT_TRUE(engine.enqueue("c1", "pension", 0, at(10)).ok());
  ASSERT_TRUE(engine.enqueue("c2", "pension", 0, at(20)).ok());
  ASSERT_EQ(engine.dispatch(at(20)).size(), 1u);
  const auto snap = *engine.queue_snapshot("pension", at(40));
  EXPECT_EQ(snap.waiting, 2);
  EXPECT_EQ(snap.longest_wait_ms, 30 * kSecond);
  EXPECT_EQ(snap.members_by_state.at(S::ringing), 1);
  EXPECT_EQ(snap.members_by_state.at(S::logged_out), 1);
  EXPECT_EQ(snap.members_by_state.at(S::ready), 0);
  ASSERT_EQ(engine.queues(at(40)).size(), 1u);
  const auto agents = engine.agents();
  ASSERT_EQ(agents.size(), 2u);
  EXPECT_EQ(agents[0].call, "c1");
  EXPECT_EQ(agents[1].memberships, (std::vector<Membership>{{"pension", 1, 5}}));
}

}  // namespace
}  // namespace hotline::acd
