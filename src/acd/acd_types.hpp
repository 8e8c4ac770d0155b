#pragma once
// The ACD's vocabulary: agent states, routing strategies, queue configuration, memberships and
// the plain values the engine reports (state changes, offers, snapshots).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"

namespace hotline::acd {

using AgentId = std::int64_t;  // the user's id
using CallKey = std::string;   // the call's uuid, or "callback:<id>" for a callback request

// GLOSSARY: logged_out 签出, ready 示闲, not_ready 示忙 (with a reason), ringing 振铃,
// talking 通话, wrap_up 话后处理.
enum class AgentState { logged_out, ready, not_ready, ringing, talking, wrap_up };
inline constexpr int kAgentStateCount = 6;
std::string_view to_string(AgentState state);
std::optional<AgentState> agent_state_from(std::string_view text);

enum class Strategy { longest_idle, round_robin, fewest_calls, least_talk_time, ring_all, skills };
std::string_view to_string(Strategy strategy);
std::optional<Strategy> strategy_from(std::string_view text);

struct QueueConfig {
  std::string name;  // unique key
  Strategy strategy = Strategy::longest_idle;
  int tier_wait_seconds = 30;     // tier t is eligible after (t - 1) * this; 0 = every tier at once
  int ring_timeout_seconds = 15;  // informational for the runtime
  int wrap_up_seconds = 30;       // wrap-up deadline for agents whose call came from this queue
  int max_wait_seconds = 0;       // 0 = unlimited
  int max_length = 0;             // waiting calls (offered ones included); 0 = unlimited
};

// tier: 1 = first line (values below 1 count as 1); level: skill 1..10 (clamped), higher wins.
struct Membership {
  std::string queue;
  int tier = 1;
  int level = 5;
  bool operator==(const Membership&) const = default;
};

// Every change of an agent's state (including a new not_ready reason) is reported, in order, so
// that the runtime can persist it as an event.
struct StateChange {
  AgentId agent = 0;
  AgentState from = AgentState::logged_out;
  AgentState to = AgentState::logged_out;
  std::string reason;  // why the state was entered ("小休", "no_answer", "answered_elsewhere"...)
  EpochMs at = 0;
  CallKey call;  // ringing, talking, wrap_up: the call; otherwise empty
};

// A call offered to agents (now ringing). ring_all offers to several agents at once.
struct Offer {
  CallKey call;
  std::string queue;
  std::vector<AgentId> agents;
};

struct WaitingCall {
  CallKey call;
  std::string queue;
  int priority = 0;
  EpochMs enqueued_at = 0;  // kept when the call overflows to another queue or an offer fails
  bool offered = false;
  bool callback = false;
};

struct QueueSnapshot {
  std::string name;
  int waiting = 0;  // calls in the queue, offered ones included
  EpochMs longest_wait_ms = 0;
  std::map<AgentState, int> members_by_state;  // every state, zeros included
  // Counters since reset_counters (a call counts in the queue it was answered or abandoned in).
  int answered = 0;
  int answered_within_15s = 0;  // waited at most 15 s
  int answered_within_20s = 0;
  int abandoned = 0;
};

struct AgentSnapshot {
  AgentId id = 0;
  AgentState state = AgentState::logged_out;
  std::string reason;
  EpochMs since = 0;
  CallKey call;                          // ringing, talking, wrap_up
  std::optional<AgentState> after_call;  // requested during the call, applied when wrap-up ends
  std::string after_call_reason;
  EpochMs wrap_up_until = 0;  // wrap_up only
  int answered = 0;           // since reset_counters
  EpochMs talk_ms = 0;        // since reset_counters
  EpochMs idle_since = 0;     // meaningful while ready
  std::vector<Membership> memberships;
};

}  // namespace hotline::acd
