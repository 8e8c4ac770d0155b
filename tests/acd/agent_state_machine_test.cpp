#include "acd/agent_state_machine.hpp"

#include <gtest/gtest.h>

namespace hotline::acd {
namespace {

using S = AgentState;

TEST(AgentStateMachine, AllowsLoginOnlyToReadyOrNotReady) {
  EXPECT_TRUE(transition_allowed(S::logged_out, S::ready));
  EXPECT_TRUE(transition_allowed(S::logged_out, S::not_ready));
  EXPECT_FALSE(transition_allowed(S::logged_out, S::ringing));
  EXPECT_FALSE(transition_allowed(S::logged_out, S::talking));
  EXPECT_FALSE(transition_allowed(S::logged_out, S::wrap_up));
}

TEST(AgentStateMachine, RingsOnlyReadyAgentsAndTalksOnlyAfterRinging) {
  EXPECT_TRUE(transition_allowed(S::ready, S::ringing));
  EXPECT_FALSE(transition_allowed(S::not_ready, S::ringing));
  EXPECT_FALSE(transition_allowed(S::wrap_up, S::ringing));
  EXPECT_TRUE(transition_allowed(S::ringing, S::talking));
  EXPECT_FALSE(transition_allowed(S::ringing, S::logged_out));
}

TEST(AgentStateMachine, TalksStraightAwayOnCallsTheAcdDidNotRoute) {
  EXPECT_TRUE(transition_allowed(S::ready, S::talking));
  EXPECT_TRUE(transition_allowed(S::not_ready, S::talking));
  EXPECT_TRUE(transition_allowed(S::wrap_up, S::talking));
  EXPECT_FALSE(transition_allowed(S::logged_out, S::talking));
}

TEST(AgentStateMachine, EndsCallsThroughWrapUpOrStraightToTheNextState) {
  EXPECT_TRUE(transition_allowed(S::talking, S::wrap_up));
  EXPECT_TRUE(transition_allowed(S::talking, S::ready));
  EXPECT_TRUE(transition_allowed(S::wrap_up, S::not_ready));
  EXPECT_FALSE(transition_allowed(S::not_ready, S::wrap_up));
}

TEST(AgentStateMachine, RefusesRequestsForStatesOnlyTheEngineEnters) {
  for (S target : {S::ringing, S::talking, S::wrap_up}) {
    auto plan = plan_request(S::ready, target, false);
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.error().code, "invalid_argument");
  }
}

TEST(AgentStateMachine, RefusesEveryRequestWhileRinging) {
  for (S target : {S::ready, S::not_ready, S::logged_out}) {
    auto plan = plan_request(S::ringing, target, true);
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.error().code, "invalid_state");
  }
}

TEST(AgentStateMachine, DefersNotReadyAndLogoutDuringACall) {
  EXPECT_EQ(*plan_request(S::talking, S::not_ready, true), RequestPlan::defer_after_call);
  EXPECT_EQ(*plan_request(S::talking, S::logged_out, true), RequestPlan::defer_after_call);
  EXPECT_EQ(*plan_request(S::wrap_up, S::not_ready, true), RequestPlan::defer_after_call);
  EXPECT_EQ(*plan_request(S::talking, S::ready, false), RequestPlan::cancel_after_call);
}

TEST(AgentStateMachine, ReadyDuringWrapUpEndsItEarly) {
  EXPECT_EQ(*plan_request(S::wrap_up, S::ready, false), RequestPlan::end_wrap_up);
}

TEST(AgentStateMachine, ANewNotReadyReasonIsAChangeButTheSameStateIsNot) {
  EXPECT_EQ(*plan_request(S::not_ready, S::not_ready, true), RequestPlan::apply_now);
  EXPECT_EQ(*plan_request(S::not_ready, S::not_ready, false), RequestPlan::unchanged);
  EXPECT_EQ(*plan_request(S::ready, S::ready, true), RequestPlan::unchanged);
  EXPECT_EQ(*plan_request(S::ready, S::not_ready, false), RequestPlan::apply_now);
  EXPECT_EQ(*plan_request(S::logged_out, S::ready, false), RequestPlan::apply_now);
}

TEST(AcdTypes, StateAndStrategyNamesRoundTrip) {
  for (S state : {S::logged_out, S::ready, S::not_ready, S::ringing, S::talking, S::wrap_up}) {
    EXPECT_EQ(agent_state_from(to_string(state)), state);
  }
  for (Strategy strategy : {Strategy::longest_idle, Strategy::round_robin, Strategy::fewest_calls,
                            Strategy::least_talk_time, Strategy::ring_all, Strategy::skills}) {
    EXPECT_EQ(strategy_from(to_string(strategy)), strategy);
  }
  EXPECT_EQ(to_string(S::not_ready), "not_ready");
  EXPECT_EQ(to_string(Strategy::least_talk_time), "least_talk_time");
  EXPECT_FALSE(agent_state_from("busy"));
  EXPECT_FALSE(strategy_from("random"));
}

}  // namespace
}  // namespace hotline::acd
