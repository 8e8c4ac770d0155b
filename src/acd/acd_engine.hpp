#pragma once
// The ACD routing engine: queues, agents and their states, and the pairing of waiting calls with
// ready agents. Pure and deterministic: no I/O, no threads, no timers, no clock of its own. The
// runtime (on the control thread) feeds it events with the time, carries out the Offers it
// returns, asks it for due wrap-ups and tier escalations on its own timers, and persists the
// StateChanges it drains with take_changes(). Errors are values: Error{code, message} with codes
// "not_found", "duplicate", "queue_full", "not_empty", "invalid_state", "invalid_argument".
//
// Routing (docs/acd_engine.md):
//  - Call order: higher priority first, then earlier enqueue time. Overflow (move_to) and a
//    failed offer keep the original enqueue time, so such a call keeps its place.
//  - Tier t of a queue is eligible for a call once it waited (t - 1) * tier_wait_seconds; the
//    lowest eligible tier with a ready agent is used, and the queue's strategy chooses inside it.
//  - dispatch() looks only at queues that changed since the last dispatch (a call arrived or
//    came back, an agent became ready, configuration changed) and at queues whose next tier
//    escalation is due; across them it serves the best call first (priority, then wait), so an
//    agent of several queues takes the best call among them.
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "acd/acd_types.hpp"
#include "acd/routing_strategy.hpp"
#include "acd/wait_predictor.hpp"
#include "acd/waiting_line.hpp"
#include "common/result.hpp"

namespace hotline::acd {

class AcdEngine {
 public:
  explicit AcdEngine(PredictorSettings predictor = {});
  // Not copyable: its indexes point into its own maps (moving keeps the nodes, so it may move).
  AcdEngine(const AcdEngine&) = delete;
  AcdEngine& operator=(const AcdEngine&) = delete;
  AcdEngine(AcdEngine&&) = default;
  AcdEngine& operator=(AcdEngine&&) = default;

  // --- Configuration (from the database at start and on change) ---
  // Creates or updates; a new strategy re-orders the queue's ready agents.
  void upsert_queue(QueueConfig config);
  // "not_found" unless configured; "not_empty" while calls wait. Memberships naming it remain
  // (they route again if the queue is configured again).
  Status remove_queue(const std::string& name);
  // Replaces the agent's memberships (duplicates: the first wins; tier and level are clamped).
  // Creates the agent, logged_out, if unknown. A queue may be named before it is configured.
  // Staying in a queue keeps the agent's round_robin place in it.
  void set_memberships(AgentId agent, std::vector<Membership> memberships);
  // "not_found"; "invalid_state" while ringing or talking. A logged-in agent is first reported
  // logged_out (reason "removed").
  Status remove_agent(AgentId agent, EpochMs now);
  // After a daemon restart, without reporting a change: logged_out, ready (idle since `since`),
  // not_ready or wrap_up (deadline: since + the longest wrap_up_seconds of the agent's queues).
  // Ringing and talking are "invalid_argument": the runtime restores those as ready/not_ready.
  // Creates the agent if unknown; set its memberships first so that wrap-up finds its queues.
  Status restore(AgentId agent, AgentState state, std::string reason, EpochMs since);

  // --- Agent (or supervisor) requests: ready, not_ready (+reason), logged_out ---
  // See plan_request (agent_state_machine.hpp): refused while ringing ("invalid_state");
  // during a call not_ready / logged_out are kept as after_call and applied when the call and
  // its wrap-up end (ready cancels that); ready during wrap-up ends it early.
  Status request_state(AgentId agent, AgentState target, const std::string& reason, EpochMs now);

  // --- Calls ---
  // 1-based position. "duplicate", "not_found" (queue not configured), "queue_full" (a
  // callback is taken even by a full queue: it holds no line).
  Result<int> enqueue(CallKey call, const std::string& queue, int priority, EpochMs now,
                      bool callback = false);
  // The caller left (while waiting or while offered: the ringing agents go back to ready, reason
  // "abandoned", their idle time kept). Counts as abandoned in the queue.
  std::optional<WaitingCall> abandon(const CallKey& call, EpochMs now);
  // Removed without counting as abandoned (overflowed elsewhere, turned into a callback).
  // Ringing agents go back to ready, reason "withdrawn".
  std::optional<WaitingCall> withdraw(const CallKey& call, EpochMs now);
  // Overflow keeping priority and original enqueue time. "not_found" (call or queue),
  // "invalid_state" while offered (end the offer first), "queue_full".
  Status move_to(const CallKey& call, const std::string& other_queue, EpochMs now);
  // Pairs waiting calls with eligible ready agents: agents -> ringing, call -> offered.
  std::vector<Offer> dispatch(EpochMs now);
  // When a waiting call next becomes eligible for a tier with ready agents: the runtime calls
  // dispatch then (also fine earlier or later).
  std::optional<EpochMs> next_escalation() const;
  // The call leaves the queue (wait recorded for counters and prediction); the agent -> talking;
  // the other ring_all agents -> ready ("answered_elsewhere"), returned so the runtime stops
  // their phones. "not_found" (call or agent), "invalid_state" if not offered to this agent.
  Result<std::vector<AgentId>> answered(const CallKey& call, AgentId agent, EpochMs now);
  // Ring timeout or phone refused/unreachable: the agent -> not_ready with `reason` ("no_answer"
  // if empty). When no offered agent is left ringing, the call is back in its queue, not
  // offered, at its original place. "not_found", "invalid_state" if not ringing this call.
  Status offer_failed(const CallKey& call, AgentId agent, const std::string& reason, EpochMs now);
  // talking -> wrap_up until now + wrap_up_seconds of the call's queue (0: the wrap-up ends at
  // once, see end_wrap_up). "not_found", "invalid_state" unless talking.
  Status call_finished(AgentId agent, EpochMs now);
  // Agents whose wrap-up deadline has passed, earliest first; the runtime ends them.
  // A call the ACD did not route (to the agent's extension, internal, or the agent's own
  // outbound call): a ready, not-ready or wrapping-up agent talks with `reason` ("direct" |
  // "outbound") and is offered nothing meanwhile. When it ends, the agent goes back to the
  // state they left (not ready keeps its reason; wrap-up is not resumed: its after_call or
  // ready), unless they asked for another one during the call. No wrap-up follows.
  // Errors: "not_found", "invalid_state" (logged out, ringing or on another call).
  Status direct_call_started(AgentId agent, CallKey call, const std::string& reason, EpochMs now);
  Status direct_call_ended(AgentId agent, const CallKey& call, EpochMs now);

  std::vector<AgentId> wrap_ups_due(EpochMs now) const;
  std::optional<EpochMs> next_wrap_up_due() const;
  // wrap_up -> after_call if one was requested, else ready. "not_found", "invalid_state".
  Status end_wrap_up(AgentId agent, EpochMs now);
  // Waiting, not offered calls that waited max_wait_seconds or more, in call order per queue.
  std::vector<CallKey> over_max_wait(EpochMs now) const;

  // --- Observation ---
  // 1-based among the queue's calls not yet offered; 0 while the call is offered.
  std::optional<int> position(const CallKey& call) const;
  // Seconds from now (wait_predictor.hpp); 0 when offered or an eligible agent is ready.
  std::optional<int> predicted_wait_seconds(const CallKey& call, EpochMs now) const;
  std::optional<WaitingCall> waiting(const CallKey& call) const;
  std::optional<QueueSnapshot> queue_snapshot(const std::string& name, EpochMs now) const;
  std::vector<QueueSnapshot> queues(EpochMs now) const;  // configured ones, by name
  std::optional<AgentSnapshot> agent(AgentId agent) const;
  std::vector<AgentSnapshot> agents() const;  // by id
  // Daily counters: answered / abandoned / service level per queue, calls and talk time per
  // agent (which fewest_calls and least_talk_time route on). Talk in progress counts from now.
  void reset_counters(EpochMs now);
  // Every state change since the last call, in order.
  std::vector<StateChange> take_changes();

 private:
  struct Queue;
  struct Call {
    CallKey key;
    Queue* queue = nullptr;
    int priority = 0;
    EpochMs enqueued_at = 0;
    std::uint64_t seq = 0;
    bool callback = false;
    std::vector<AgentId> ringing;  // offered while not empty
    LineEntry entry() const { return {enqueued_at, seq, &key}; }
  };
  struct Member {
    int tier = 1;
    MemberRank rank;
    std::optional<ReadyKey> ready_key;  // while ready: its key in the queue's ReadyIndex
  };
  struct Counters {
    int answered = 0;
    int within_15s = 0;
    int within_20s = 0;
    int abandoned = 0;
  };
  struct Queue {
    QueueConfig config;
    bool configured = false;
    std::unordered_map<AgentId, Member> members;
    std::array<int, kAgentStateCount> members_by_state{};
    ReadyIndex ready;
    WaitingLine line;  // calls not offered
    std::unordered_set<const Call*> offered;
    std::int64_t next_position = 0;
    std::int64_t round_robin_last = -1;
    Counters counters;
    WaitPredictor predictor;
    bool dirty = false;
    std::optional<EpochMs> escalation_at;
  };
  struct Agent {
    AgentId id = 0;
    AgentState state = AgentState::logged_out;
    std::string reason;
    EpochMs since = 0;
    CallKey call;
    std::optional<AgentState> after_call;
    std::string after_call_reason;
    AgentStats stats;
    std::vector<Queue*> queues;   // memberships; tier and level live in Queue::members
    Queue* call_queue = nullptr;  // talking / wrap_up: where the call came from
    EpochMs answered_at = 0;
    EpochMs talk_counted_from = 0;
    EpochMs wrap_up_until = 0;
    std::optional<EpochMs> wrap_up_indexed;  // its key in wrap_ups_, while in wrap_up
  };
  struct Match {
    Call* call;
    int tier;
  };

  Queue& queue_entry(const std::string& name);  // created unconfigured if unknown
  Queue* configured_queue(const std::string& name);
  const Queue* configured_queue(const std::string& name) const;
  Agent* find_agent(AgentId id);
  Call* find_call(const CallKey& key);

  // Every state change goes through set_state (indexes, counts); change also checks the
  // transition table and reports it.
  void set_state(Agent& agent, AgentState to, std::string reason, CallKey call, EpochMs at,
                 bool keep_idle);
  void change(Agent& agent, AgentState to, std::string reason, CallKey call, EpochMs now,
              bool keep_idle = false);
  void enter_ready(Agent& agent);
  void leave_ready(Agent& agent);
  void rekey(Queue& queue);
  void end_call(Agent& agent, std::string reason, EpochMs now);  // talking / wrap_up -> next
  void mark_dirty(Queue& queue);

  int eligible_tier(const Queue& queue, EpochMs enqueued_at, EpochMs now) const;
  std::optional<Match> best_match(const Queue& queue, EpochMs now);
  void schedule_escalation(Queue& queue, EpochMs now);
  Offer offer(Queue& queue, const Match& match, EpochMs now);
  std::optional<WaitingCall> remove_call(const CallKey& key, EpochMs now, bool abandoned);
  WaitingCall describe(const Call& call) const;
  QueueSnapshot snapshot(const Queue& queue, EpochMs now) const;
  AgentSnapshot snapshot(const Agent& agent) const;

  PredictorSettings predictor_settings_;
  std::unordered_map<std::string, Queue> queues_;  // never erased: Call and Agent point here
  std::unordered_map<AgentId, Agent> agents_;
  std::unordered_map<CallKey, Call> calls_;
  std::uint64_t next_seq_ = 0;
  std::vector<Queue*> dirty_;
  std::set<std::pair<EpochMs, Queue*>> escalations_;
  std::set<std::pair<EpochMs, AgentId>> wrap_ups_;
  std::vector<StateChange> changes_;
};

}  // namespace hotline::acd
