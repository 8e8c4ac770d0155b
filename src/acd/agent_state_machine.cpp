#include "acd/agent_state_machine.hpp"

#include <array>

namespace hotline::acd {

namespace {

using Row = std::array<bool, kAgentStateCount>;
// kTable[from][to], in the enum's order: logged_out ready not_ready ringing talking wrap_up.
constexpr std::array<Row, kAgentStateCount> kTable{{
    /* logged_out */ {false, true, true, false, false, false},
    /* ready      */ {true, false, true, true, true, false},
    /* not_ready  */ {true, true, true, false, true, false},
    /* ringing    */ {false, true, true, false, true, false},
    /* talking    */ {true, true, true, false, false, true},
    /* wrap_up    */ {true, true, true, false, true, false},
}};

}  // namespace

bool transition_allowed(AgentState from, AgentState to) {
  return kTable[static_cast<int>(from)][static_cast<int>(to)];
}

Result<RequestPlan> plan_request(AgentState current, AgentState target, bool reason_differs) {
  if (target != AgentState::ready && target != AgentState::not_ready &&
      target != AgentState::logged_out) {
    return Error{"invalid_argument", "only ready, not_ready and logged_out can be requested"};
  }
  switch (current) {
    case AgentState::ringing:
      return Error{"invalid_state", "the agent is ringing: answer or reject the call first"};
    case AgentState::talking:
      return target == AgentState::ready ? RequestPlan::cancel_after_call
                                         : RequestPlan::defer_after_call;
    case AgentState::wrap_up:
      return target == AgentState::ready ? RequestPlan::end_wrap_up : RequestPlan::defer_after_call;
    default:
      break;
  }
  if (current == target && (target != AgentState::not_ready || !reason_differs)) {
    return RequestPlan::unchanged;
  }
  return RequestPlan::apply_now;
}

}  // namespace hotline::acd
