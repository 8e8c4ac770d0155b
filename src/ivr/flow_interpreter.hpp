#pragma once
// Runs one call through a flow: a deterministic state machine with no I/O. The runtime feeds it
// events (playback ended, a key, a timer, a query result, hang-up) and carries out the Effects it
// returns; the interpreter never blocks and never calls out except to FlowEnvironment.
//
// It keeps the call's variables (sensitive ones apart), counts node visits (after a node's
// limit the flow's fallback is taken, so no flow spins forever) and writes the path log that the
// call record stores: nodes visited, keys pressed (sensitive input masked), query outcomes, the
// survey rating and the final outcome.
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "ivr/flow_effects.hpp"
#include "ivr/flow_model.hpp"
#include "ivr/flow_template.hpp"

namespace hotline::ivr {

// What the interpreter asks of the world synchronously: cheap, in-memory answers only.
class FlowEnvironment {
 public:
  virtual ~FlowEnvironment() = default;
  // Whether the working calendar `calendar` is open now.
  virtual bool calendar_open(const std::string& calendar) = 0;
  // Whether `value` is valid input of `kind` (e.g. "id_number"). "digits" and "" are checked by
  // the interpreter itself and never reach here.
  virtual bool validate(const std::string& kind, const std::string& value) = 0;
  // The clock for the path log's time offsets.
  virtual EpochMs now() { return now_ms(); }
};

class FlowInterpreter {
 public:
  // The environment must outlive the interpreter.
  FlowInterpreter(std::shared_ptr<const Flow> flow, FlowEnvironment& environment);

  // Variables known before the flow starts (e.g. the number called). Sensitive values are never
  // written to the path log or to a queue's context.
  void set_variable(const std::string& name, nlohmann::json value, bool sensitive = false);

  // Events. Each returns what the runtime must do, in order. Events that do not apply to the
  // current state (stale tokens, keys during a recording, anything after the end) return nothing.
  // Starts at the flow's start node, or at `at` when the flow has that node (an agent's
  // transfer to an IVR node).
  Effects start(const std::string& at = {});
  Effects playback_finished(Token token);
  Effects digit(char key);
  Effects timer_fired(Token token);
  Effects query_finished(const QueryOutcome& outcome);
  Effects message_finished(int seconds);
  Effects caller_hung_up();
  // Answers to a GotoFlow effect: the other flow's published version, or that there is none.
  Effects switch_flow(std::shared_ptr<const Flow> flow);
  Effects goto_flow_failed();

  bool finished() const { return phase_ == Phase::done; }
  // "" while running; then one of "queued", "transferred", "message", "self_served",
  // "surveyed", "completed" (the flow hung up), "abandoned" (the caller hung up), "failed".
  const std::string& outcome() const { return outcome_; }
  const Flow& flow() const { return *flow_; }
  // The node the call is in ("" before start).
  const std::string& current_node() const { return current_id_; }

  const nlohmann::json* variable(const std::string& name) const;
  bool is_sensitive(const std::string& name) const { return sensitive_.count(name) > 0; }
  // Non-sensitive variables as an object.
  nlohmann::json public_variables() const;
  // Sensitive variables by name, for the runtime to encrypt; never log these.
  std::map<std::string, nlohmann::json> sensitive_variables() const;
  // The path log for the call record.
  nlohmann::json path_log() const;

 private:
  enum class Phase { not_started, running, playing, waiting, recording, awaiting_flow, done };

  // Node entry and the per-type behaviour. Each returns the id of a node to enter next at once,
  // or nothing when the interpreter now waits for an event (or has finished).
  void enter(std::string id, Effects& out);
  std::optional<std::string> run(const Node& node, Effects& out);
  std::optional<std::string> follow(const Node& node, const std::string& exit, Effects& out);
  void continue_at(std::optional<std::string> next, Effects& out);

  std::optional<std::string> menu_prompt(const Node& node, const PromptList& before, Effects& out);
  std::optional<std::string> menu_key(const Node& node, char key, Effects& out);
  std::optional<std::string> menu_failure(const Node& node, const std::string& kind, Effects& out);
  std::optional<std::string> collect_begin(const Node& node, const PromptList& before,
                                           Effects& out);
  std::optional<std::string> collect_key(const Node& node, char key, Effects& out);
  std::optional<std::string> collect_finish(const Node& node, Effects& out);
  std::optional<std::string> collect_failure(const Node& node, Effects& out);
  std::optional<std::string> survey_key(const Node& node, char key, Effects& out);
  bool input_valid(const CollectParams& params, const std::string& value);

  void play(PromptList items, bool interruptible, Effects& out);
  void start_timer(int ms, Effects& out);
  void cancel_timer(Effects& out);
  void release_waits(Effects& out);
  void finish(std::string outcome, Effects& out);
  void hang_up(const std::string& cause, std::string outcome, Effects& out);
  std::string ended_outcome(bool by_caller) const;
  void buffer_key(char key);
  nlohmann::json queue_context(const Node& node) const;
  void log(nlohmann::json event);

  std::shared_ptr<const Flow> flow_;
  FlowEnvironment& env_;
  Phase phase_ = Phase::not_started;
  const Node* node_ = nullptr;
  std::string current_id_;

  Token next_token_ = 0;
  Token play_token_ = 0;  // 0 when nothing is playing
  bool play_interruptible_ = false;
  Token timer_token_ = 0;
  Token query_token_ = 0;

  std::deque<char> type_ahead_;
  char swallow_key_ = '\0';  // a terminator pressed after input ended at max_length
  int menu_failures_ = 0;
  int collect_attempt_ = 0;
  std::string collected_;

  Variables variables_;
  std::set<std::string> sensitive_;
  std::map<std::string, int> visits_;  // by "flow\nnode"

  EpochMs started_at_ = 0;
  nlohmann::json events_ = nlohmann::json::array();
  nlohmann::json flows_ = nlohmann::json::array();
  std::string last_query_outcome_;
  bool query_found_ = false;
  bool message_recorded_ = false;
  bool reached_hangup_ = false;
  std::optional<Rating> rating_;
  std::string outcome_;
};

}  // namespace hotline::ivr
