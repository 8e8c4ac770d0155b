#pragma once
// The agent state machine: which state changes are allowed, and how an agent's (or a
// supervisor's) request is carried out in each state. Pure functions; the engine applies them.
#include "acd/acd_types.hpp"
#include "common/result.hpp"

namespace hotline::acd {

// The transition table. Every change the engine makes is checked against it:
//   logged_out -> ready | not_ready                  (log in)
//   ready      -> not_ready | logged_out | ringing   (ringing: a call is offered)
//   not_ready  -> ready | not_ready | logged_out     (not_ready -> not_ready: a new reason)
//   ready | not_ready | wrap_up -> talking           (a direct or outbound call, not routed)
//   ringing    -> talking                            (answered)
//              -> ready                              (offer withdrawn: caller left, ring_all lost)
//              -> not_ready                          (no answer, phone refused or unreachable)
//   talking    -> wrap_up                            (call ended)
//              -> ready | not_ready | logged_out     (call ended, queue without wrap-up)
//   wrap_up    -> ready | not_ready | logged_out     (wrap-up ended: early, due, or after_call)
bool transition_allowed(AgentState from, AgentState to);

// What a request for `target` does in the current state.
enum class RequestPlan {
  unchanged,          // already there (same not_ready reason): nothing to report
  apply_now,          // change state now
  defer_after_call,   // talking / wrap_up: remember as after_call, applied when wrap-up ends
  cancel_after_call,  // ready while talking: forget a remembered after_call
  end_wrap_up,        // ready during wrap_up: end it early
};

// Errors: "invalid_argument" when target is not requestable (only ready, not_ready and
// logged_out are); "invalid_state" while ringing: the offer must first end through answered or
// offer_failed, so that the runtime, which owns the ringing leg, always knows its fate.
Result<RequestPlan> plan_request(AgentState current, AgentState target, bool reason_differs);

}  // namespace hotline::acd
