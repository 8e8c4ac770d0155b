#pragma once
// What the interpreter asks the runtime to do, and what the runtime tells the interpreter back.
// Playbacks, timers and queries carry a token the runtime hands back with the event that ends
// them, so that an event arriving after the interpreter moved on (a race between media or a
// data source and the control thread) is recognised as stale and ignored.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "ivr/flow_model.hpp"

namespace hotline::ivr {

using Token = std::uint64_t;

enum class Rating { satisfied, basically_satisfied, dissatisfied, not_rated };
std::string_view to_string(Rating rating);

// Play prompts; report the end with playback_finished(token).
struct Play {
  Token token = 0;
  PromptList items;
  bool interruptible_by_digits = false;
};
// Stop the playback `token`; do not report its end.
struct StopPlayback {
  Token token = 0;
};
// Arm a one-shot timer; report it with timer_fired(token) unless cancelled first.
struct StartTimer {
  Token token = 0;
  int ms = 0;
};
struct CancelTimer {
  Token token = 0;
};
// Ask a data source; report with query_finished(QueryOutcome{token, ...}).
struct Query {
  Token token = 0;
  std::string source;
  std::map<std::string, std::string> params;
};
// Render `text` (a say_result template) over `fields` in Chinese wording and speak it; report
// the end with playback_finished(token) like a Play.
struct Say {
  Token token = 0;
  std::string text;
  nlohmann::json fields;
  bool interruptible_by_digits = false;
};
// Record a voice message after a beep; report with message_finished(seconds).
struct RecordMessage {
  int max_seconds = 0;
};
// Store the caller's rating against the call and its agent.
struct Rate {
  Rating rating = Rating::not_rated;
};
// Terminal: hand the call to ACD. `context` carries the flow name and version, the non-sensitive
// variables, the names of the sensitive ones (the runtime attaches them encrypted) and the last
// query outcome.
struct ToQueue {
  std::string queue;
  int priority = 0;
  nlohmann::json context;
};
// Terminal: transfer to an extension or number.
struct Transfer {
  std::string target;
};
// Load the published version of flow `name` and answer with switch_flow(), or with
// goto_flow_failed() when it does not exist or the call made too many flow jumps.
struct GotoFlow {
  std::string name;
};
// Terminal: end the call. Causes: "normal" (a hangup node), "loop_limit", "flow_unavailable".
struct Hangup {
  std::string cause;
};

using Effect = std::variant<Play, StopPlayback, StartTimer, CancelTimer, Query, Say, RecordMessage,
                            Rate, ToQueue, Transfer, GotoFlow, Hangup>;
using Effects = std::vector<Effect>;

struct QueryOutcome {
  enum class Kind { found, not_found, error };
  Token token = 0;  // the token of the Query effect this answers
  Kind kind = Kind::error;
  nlohmann::json fields;  // the record found (an object); ignored otherwise
};

}  // namespace hotline::ivr
