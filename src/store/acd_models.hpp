#pragma once
// Plain records of the ACD: queues and members, not-ready reasons, agent states and their
// event log, queue visits and missed calls. State names and strategies are the ACD's words
// (src/acd); the schema checks them.
#include <optional>
#include <string>
#include <vector>

#include "store/models.hpp"

namespace hotline::store {

struct QueueMember {
  Id user_id = 0;
  std::string username;  // read only
  std::string display_name;
  std::string extension;
  int tier = 1;   // 1: first line
  int level = 5;  // skill, 1..10
};

struct Queue {
  Id id = 0;
  std::string name;
  std::string display_name;
  std::string strategy = "longest_idle";
  int tier_wait_seconds = 30;
  int ring_timeout_seconds = 15;
  int wrap_up_seconds = 30;
  int max_wait_seconds = 0;            // 0: unlimited
  int max_length = 0;                  // 0: unlimited
  std::string overflow_type = "none";  // none | queue | message | callback
  std::string overflow_target;         // overflow_type == queue: the queue's name
  std::string moh_prompt;              // a prompt's name; empty: the built-in music
  int announce_interval_seconds = 30;  // 0: no periodic announcement
  bool announce_position = true;
  bool announce_wait = true;
  std::string callback_key;  // "" or one key the caller presses to be called back
  int service_level_seconds = 20;
  int service_level_target = 80;  // percent
  int warn_wait_seconds = 30;
  int alert_wait_seconds = 60;
  bool enabled = true;
  std::vector<QueueMember> members;
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

struct NotReadyReason {
  Id id = 0;
  std::string name;
  int sort_order = 0;
  bool enabled = true;
};

// What an agent is doing now (one row per agent), so a restart resumes it.
struct AgentStateRecord {
  Id user_id = 0;
  std::string state = "logged_out";
  std::string reason;
  EpochMs since = 0;
  std::string call_uuid;
  std::optional<EpochMs> logged_in_at;
};

// One change of an agent's state, with how long the previous state lasted.
struct AgentEvent {
  Id id = 0;
  Id user_id = 0;
  std::string state;
  std::string previous;
  std::string reason;
  std::string call_uuid;
  EpochMs previous_ms = 0;
  std::optional<Id> by_user;  // a supervisor who forced it
  EpochMs at = 0;
};

// A call's (or callback's) visit to a queue.
struct QueueVisit {
  Id id = 0;
  std::string call_uuid;
  std::string queue;
  std::string caller;
  int priority = 0;
  EpochMs entered_at = 0;
  std::optional<EpochMs> left_at;
  std::string outcome;  // empty while waiting; answered | abandoned | overflow | callback |
                        // message | failed
  std::optional<Id> agent_id;
  EpochMs wait_ms = 0;
  int offers = 0;
};

// A caller who asked a queue to call them back. It keeps the caller's place in the queue
// (place_at) until an agent is offered it; the number is then dialled through the trunk.
struct Callback {
  Id id = 0;
  std::string call_uuid;  // the call it was asked for in
  std::string queue;
  std::string number;
  std::string status = "waiting";  // waiting | dialling | completed | failed | cancelled
  EpochMs place_at = 0;            // when the caller entered the queue
  int attempts = 0;
  std::optional<Id> agent_id;
  std::string outcome;             // answered | busy | no_answer | failed | agent_no_answer ...
  std::string callback_call_uuid;  // the call that dialled it
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

struct MissedCall {
  Id id = 0;
  std::string call_uuid;
  std::string number;
  std::string lost_in;  // ivr | queue | ringing | callback | message
  std::string queue;
  EpochMs wait_ms = 0;
  EpochMs occurred_at = 0;
  std::string status = "open";  // open | in_progress | called_back | closed
  std::optional<Id> handled_by;
  std::optional<EpochMs> handled_at;
  std::string note;
};

struct MissedCallFilter {
  std::string status;
  std::optional<EpochMs> from;
  std::optional<EpochMs> to;
  std::string number;  // exact
};

}  // namespace hotline::store
