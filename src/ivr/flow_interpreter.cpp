#include "ivr/flow_interpreter.hpp"

#include <algorithm>
#include <utility>

namespace hotline::ivr {
namespace {

using nlohmann::json;

// Nodes entered within one event without waiting for anything. The validator rejects cycles
// without input, so this only guards against flows that were never validated.
constexpr int kMaxStepsPerEvent = 256;
// Keys kept for the next menu or collect; more are dropped (a caller leaning on a key).
constexpr std::size_t kMaxTypeAhead = 32;
// What the path log shows instead of sensitive input.
constexpr const char* kMasked = "******";

PromptList concat(const PromptList& a, const PromptList& b) {
  PromptList out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

std::string_view to_string(QueryOutcome::Kind kind) {
  switch (kind) {
    case QueryOutcome::Kind::found:
      return "found";
    case QueryOutcome::Kind::not_found:
      return "not_found";
    case QueryOutcome::Kind::error:
      return "error";
  }
  return "error";
}

}  // namespace

std::string_view to_string(Rating rating) {
  switch (rating) {
    case Rating::satisfied:
      return "satisfied";
    case Rating::basically_satisfied:
      return "basically_satisfied";
    case Rating::dissatisfied:
      return "dissatisfied";
    case Rating::not_rated:
      return "not_rated";
  }
  return "not_rated";
}

FlowInterpreter::FlowInterpreter(std::shared_ptr<const Flow> flow, FlowEnvironment& environment)
    : flow_(std::move(flow)), env_(environment) {}

void FlowInterpreter::set_variable(const std::string& name, json value, bool sensitive) {
  variables_[name] = std::move(value);
  if (sensitive) {
    sensitive_.insert(name);
  } else {
    sensitive_.erase(name);
  }
}

const json* FlowInterpreter::variable(const std::string& name) const {
  auto it = variables_.find(name);
  return it == variables_.end() ? nullptr : &it->second;
}

json FlowInterpreter::public_variables() const {
  json out = json::object();
  for (const auto& [name, value] : variables_) {
    if (!is_sensitive(name)) out[name] = value;
  }
  return out;
}

std::map<std::string, json> FlowInterpreter::sensitive_variables() const {
  std::map<std::string, json> out;
  for (const auto& name : sensitive_) {
    if (auto it = variables_.find(name); it != variables_.end()) out[name] = it->second;
  }
  return out;
}

json FlowInterpreter::path_log() const {
  json log = {
      {"flows", flows_},
      {"events", events_},
      {"query_outcome", last_query_outcome_.empty() ? json() : json(last_query_outcome_)},
      {"rating", rating_ ? json(to_string(*rating_)) : json()},
      {"outcome", outcome_.empty() ? json() : json(outcome_)},
  };
  return log;
}

void FlowInterpreter::log(json event) {
  event["t"] = env_.now() - started_at_;
  events_.push_back(std::move(event));
}

// ---- events ---------------------------------------------------------------------------------

Effects FlowInterpreter::start(const std::string& at) {
  Effects out;
  if (phase_ != Phase::not_started) return out;
  started_at_ = env_.now();
  flows_.push_back({{"name", flow_->name}, {"version", flow_->version}});
  enter(!at.empty() && flow_->find(at) ? at : flow_->start, out);
  return out;
}

Effects FlowInterpreter::playback_finished(Token token) {
  Effects out;
  if (phase_ != Phase::playing || token == 0 || token != play_token_) return out;
  play_token_ = 0;
  const Node& node = *node_;
  phase_ = Phase::running;
  switch (node.type()) {
    case NodeType::menu:
      start_timer(std::get<MenuParams>(node.params).timeout_ms, out);
      break;
    case NodeType::collect: {
      const auto& p = std::get<CollectParams>(node.params);
      start_timer(collected_.empty() ? p.first_digit_timeout_ms : p.inter_digit_timeout_ms, out);
      break;
    }
    case NodeType::survey:
      start_timer(std::get<SurveyParams>(node.params).timeout_ms, out);
      break;
    case NodeType::message:
      out.push_back(RecordMessage{std::get<MessageParams>(node.params).max_seconds});
      phase_ = Phase::recording;
      break;
    case NodeType::hangup:
      hang_up("normal", ended_outcome(false), out);
      break;
    default:  // play, say_result
      continue_at(follow(node, "next", out), out);
      break;
  }
  return out;
}

Effects FlowInterpreter::digit(char key) {
  Effects out;
  if (!is_dtmf_key(key)) return out;
  if (swallow_key_ != '\0') {
    char swallow = swallow_key_;
    swallow_key_ = '\0';
    if (key == swallow) return out;
  }
  if (phase_ != Phase::playing && phase_ != Phase::waiting) {
    // Keys while another flow is loaded are kept for its first menu; keys during a recording
    // belong to the recording; keys before the start or after the end mean nothing here.
    if (phase_ == Phase::awaiting_flow) buffer_key(key);
    return out;
  }
  const Node& node = *node_;
  NodeType type = node.type();
  bool takes_input =
      type == NodeType::menu || type == NodeType::collect || type == NodeType::survey;
  if (type == NodeType::survey && key != '1' && key != '2' && key != '3') return out;
  if (phase_ == Phase::playing) {
    if (!play_interruptible_ && !takes_input) {
      buffer_key(key);  // type-ahead through a prompt that must be heard
      return out;
    }
    out.push_back(StopPlayback{play_token_});
    play_token_ = 0;
    phase_ = Phase::running;
    if (!takes_input) {
      // An interruptible play or say_result: the key ends it and goes on to the next node.
      buffer_key(key);
      continue_at(follow(node, "next", out), out);
      return out;
    }
  } else if (type == NodeType::data_query) {
    buffer_key(key);
    return out;
  }
  phase_ = Phase::running;
  switch (type) {
    case NodeType::menu:
      continue_at(menu_key(node, key, out), out);
      break;
    case NodeType::collect:
      continue_at(collect_key(node, key, out), out);
      break;
    default:
      continue_at(survey_key(node, key, out), out);
      break;
  }
  return out;
}

Effects FlowInterpreter::timer_fired(Token token) {
  Effects out;
  if (phase_ != Phase::waiting || token == 0 || token != timer_token_) return out;
  timer_token_ = 0;
  phase_ = Phase::running;
  const Node& node = *node_;
  switch (node.type()) {
    case NodeType::menu:
      log({{"event", "timeout"}, {"node", node.id}});
      continue_at(menu_failure(node, "timeout", out), out);
      break;
    case NodeType::collect:
      if (!collected_.empty()) {
        continue_at(collect_finish(node, out), out);  // inter-digit timeout ends the input
      } else {
        log({{"event", "timeout"}, {"node", node.id}});
        continue_at(collect_failure(node, out), out);
      }
      break;
    case NodeType::survey:
      rating_ = Rating::not_rated;
      out.push_back(Rate{Rating::not_rated});
      log({{"event", "rating"}, {"node", node.id}, {"value", "not_rated"}});
      continue_at(follow(node, "next", out), out);
      break;
    case NodeType::data_query: {
      // The source did not answer in time: treat as an error and ignore a late answer.
      query_token_ = 0;
      last_query_outcome_ = "error";
      const auto& p = std::get<DataQueryParams>(node.params);
      log({{"event", "query"},
           {"node", node.id},
           {"source", p.source},
           {"outcome", "error"},
           {"reason", "timeout"}});
      continue_at(follow(node, "error", out), out);
      break;
    }
    default:
      break;
  }
  return out;
}

Effects FlowInterpreter::query_finished(const QueryOutcome& outcome) {
  Effects out;
  if (phase_ != Phase::waiting || node_->type() != NodeType::data_query || outcome.token == 0 ||
      outcome.token != query_token_) {
    return out;
  }
  query_token_ = 0;
  phase_ = Phase::running;
  const Node& node = *node_;
  const auto& p = std::get<DataQueryParams>(node.params);
  std::string kind(to_string(outcome.kind));
  last_query_outcome_ = kind;
  if (outcome.kind == QueryOutcome::Kind::found) {
    query_found_ = true;
    variables_[p.result_variable] = outcome.fields.is_object() ? outcome.fields : json::object();
    sensitive_.erase(p.result_variable);
  } else {
    variables_.erase(p.result_variable);
  }
  log({{"event", "query"}, {"node", node.id}, {"source", p.source}, {"outcome", kind}});
  continue_at(follow(node, kind, out), out);
  return out;
}

Effects FlowInterpreter::message_finished(int seconds) {
  Effects out;
  if (phase_ != Phase::recording) return out;
  phase_ = Phase::running;
  if (seconds > 0) message_recorded_ = true;
  log({{"event", "message"}, {"node", node_->id}, {"seconds", std::max(seconds, 0)}});
  continue_at(follow(*node_, "next", out), out);
  return out;
}

Effects FlowInterpreter::caller_hung_up() {
  Effects out;
  if (phase_ == Phase::done) return out;
  if (phase_ == Phase::not_started) {
    finish("abandoned", out);
    return out;
  }
  release_waits(out);
  if (node_ && node_->type() == NodeType::survey &&
      (phase_ == Phase::playing || phase_ == Phase::waiting)) {
    rating_ = Rating::not_rated;
    out.push_back(Rate{Rating::not_rated});
    log({{"event", "rating"}, {"node", node_->id}, {"value", "not_rated"}});
  }
  if (phase_ == Phase::recording) {
    // The caller hung up to end the message: the recording so far is the message.
    message_recorded_ = true;
    log({{"event", "message"}, {"node", node_->id}, {"seconds", nullptr}});
  }
  log({{"event", "caller_hung_up"}, {"node", current_id_}});
  finish(ended_outcome(true), out);
  return out;
}

Effects FlowInterpreter::switch_flow(std::shared_ptr<const Flow> flow) {
  Effects out;
  if (phase_ != Phase::awaiting_flow || !flow) return out;
  node_ = nullptr;
  flow_ = std::move(flow);
  flows_.push_back({{"name", flow_->name}, {"version", flow_->version}});
  phase_ = Phase::running;
  enter(flow_->start, out);
  return out;
}

Effects FlowInterpreter::goto_flow_failed() {
  Effects out;
  if (phase_ != Phase::awaiting_flow) return out;
  phase_ = Phase::running;
  log({{"event", "goto_flow_failed"}, {"node", current_id_}});
  if (!flow_->fallback.empty() && flow_->fallback != current_id_) {
    enter(flow_->fallback, out);
  } else {
    hang_up("flow_unavailable", "failed", out);
  }
  return out;
}

// ---- node entry -----------------------------------------------------------------------------

void FlowInterpreter::continue_at(std::optional<std::string> next, Effects& out) {
  if (next) enter(std::move(*next), out);
}

void FlowInterpreter::enter(std::string id, Effects& out) {
  release_waits(out);
  for (int steps = 0;; ++steps) {
    if (steps >= kMaxStepsPerEvent) {
      log({{"event", "step_limit"}, {"node", id}});
      hang_up("loop_limit", "failed", out);
      return;
    }
    const Node* node = flow_->find(id);
    if (!node) {
      // Only an unvalidated flow gets here.
      log({{"event", "missing_node"}, {"node", id}});
      if (!flow_->fallback.empty() && id != flow_->fallback) {
        id = flow_->fallback;
        continue;
      }
      hang_up("flow_error", "failed", out);
      return;
    }
    int& visits = visits_[flow_->name + "\n" + id];
    if (++visits > node->max_visits.value_or(flow_->max_visits)) {
      log({{"event", "visit_limit"}, {"node", id}});
      if (!flow_->fallback.empty() && id != flow_->fallback) {
        id = flow_->fallback;
        continue;
      }
      hang_up("loop_limit", "failed", out);
      return;
    }
    node_ = node;
    current_id_ = id;
    phase_ = Phase::running;
    log({{"event", "node"}, {"node", id}, {"type", to_string(node->type())}});
    auto next = run(*node, out);
    if (!next) return;
    id = std::move(*next);
  }
}

std::optional<std::string> FlowInterpreter::follow(const Node& node, const std::string& exit,
                                                   Effects& out) {
  if (const std::string* target = node.exit(exit)) return *target;
  // Only an unvalidated flow gets here: never leave the caller in silence.
  log({{"event", "missing_exit"}, {"node", node.id}, {"exit", exit}});
  if (!flow_->fallback.empty() && node.id != flow_->fallback) return flow_->fallback;
  hang_up("flow_error", "failed", out);
  return std::nullopt;
}

std::optional<std::string> FlowInterpreter::run(const Node& node, Effects& out) {
  switch (node.type()) {
    case NodeType::play: {
      const auto& p = std::get<PlayParams>(node.params);
      if (p.prompts.empty()) return follow(node, "next", out);
      play(p.prompts, p.interruptible, out);
      return std::nullopt;
    }
    case NodeType::menu:
      menu_failures_ = 0;
      return menu_prompt(node, {}, out);
    case NodeType::collect:
      collect_attempt_ = 1;
      return collect_begin(node, {}, out);
    case NodeType::time_condition: {
      const auto& p = std::get<TimeConditionParams>(node.params);
      bool open = env_.calendar_open(p.calendar);
      log({{"event", "time_condition"}, {"node", node.id}, {"open", open}});
      return follow(node, open ? "open" : "closed", out);
    }
    case NodeType::set_variable: {
      const auto& p = std::get<SetVariableParams>(node.params);
      // A value built from a sensitive variable is sensitive too.
      bool sensitive = false;
      for (const auto& name : template_variables(p.value)) sensitive |= is_sensitive(name);
      set_variable(p.variable, render_template(p.value, variables_), sensitive);
      return follow(node, "next", out);
    }
    case NodeType::data_query: {
      const auto& p = std::get<DataQueryParams>(node.params);
      Query query{++next_token_, p.source, {}};
      for (const auto& [name, value] : p.params) {
        query.params[name] = render_template(value, variables_);
      }
      query_token_ = query.token;
      out.push_back(std::move(query));
      start_timer(p.timeout_ms, out);
      return std::nullopt;
    }
    case NodeType::say_result: {
      const auto& p = std::get<SayResultParams>(node.params);
      const json* fields = variable(p.result_variable);
      Say say{++next_token_, p.text, fields ? *fields : json::object(), p.interruptible};
      play_token_ = say.token;
      play_interruptible_ = p.interruptible;
      phase_ = Phase::playing;
      out.push_back(std::move(say));
      return std::nullopt;
    }
    case NodeType::queue: {
      const auto& p = std::get<QueueParams>(node.params);
      out.push_back(ToQueue{p.queue, p.priority, queue_context(node)});
      finish("queued", out);
      return std::nullopt;
    }
    case NodeType::transfer:
      out.push_back(Transfer{std::get<TransferParams>(node.params).target});
      finish("transferred", out);
      return std::nullopt;
    case NodeType::message: {
      const auto& p = std::get<MessageParams>(node.params);
      if (p.prompts.empty()) {
        out.push_back(RecordMessage{p.max_seconds});
        phase_ = Phase::recording;
      } else {
        play(p.prompts, false, out);
      }
      return std::nullopt;
    }
    case NodeType::survey:
      // Keys pressed before the question are not a rating.
      type_ahead_.clear();
      play(std::get<SurveyParams>(node.params).prompts, true, out);
      return std::nullopt;
    case NodeType::hangup: {
      reached_hangup_ = true;
      const auto& p = std::get<HangupParams>(node.params);
      if (p.prompts.empty()) {
        hang_up("normal", ended_outcome(false), out);
      } else {
        play(p.prompts, false, out);
      }
      return std::nullopt;
    }
    case NodeType::goto_flow: {
      const auto& p = std::get<GotoFlowParams>(node.params);
      log({{"event", "goto_flow"}, {"node", node.id}, {"flow", p.flow}});
      out.push_back(GotoFlow{p.flow});
      phase_ = Phase::awaiting_flow;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// ---- menu -----------------------------------------------------------------------------------

std::optional<std::string> FlowInterpreter::menu_prompt(const Node& node, const PromptList& before,
                                                        Effects& out) {
  if (!type_ahead_.empty()) {
    char key = type_ahead_.front();
    type_ahead_.pop_front();
    return menu_key(node, key, out);
  }
  play(concat(before, std::get<MenuParams>(node.params).prompts), true, out);
  return std::nullopt;
}

std::optional<std::string> FlowInterpreter::menu_key(const Node& node, char key, Effects& out) {
  cancel_timer(out);
  std::string name(1, key);
  if (node.exit(name)) {
    log({{"event", "digits"}, {"node", node.id}, {"value", name}});
    return follow(node, name, out);
  }
  log({{"event", "invalid"}, {"node", node.id}, {"value", name}});
  return menu_failure(node, "invalid", out);
}

std::optional<std::string> FlowInterpreter::menu_failure(const Node& node, const std::string& kind,
                                                         Effects& out) {
  const auto& p = std::get<MenuParams>(node.params);
  type_ahead_.clear();  // keys typed after a wrong one were aimed at the wrong menu
  if (++menu_failures_ > p.max_retries) return follow(node, kind, out);
  return menu_prompt(node, kind == "invalid" ? p.invalid_prompts : p.timeout_prompts, out);
}

// ---- collect --------------------------------------------------------------------------------

std::optional<std::string> FlowInterpreter::collect_begin(const Node& node,
                                                          const PromptList& before, Effects& out) {
  const auto& p = std::get<CollectParams>(node.params);
  collected_.clear();
  while (!type_ahead_.empty()) {
    char key = type_ahead_.front();
    type_ahead_.pop_front();
    int attempt = collect_attempt_;
    auto next = collect_key(node, key, out);
    // The typed-ahead keys completed (or failed) this attempt.
    if (next || phase_ != Phase::running || attempt != collect_attempt_) return next;
  }
  if (collected_.empty()) {
    play(concat(before, p.prompts), true, out);
  } else if (timer_token_ == 0) {
    start_timer(p.inter_digit_timeout_ms, out);
  }
  return std::nullopt;
}

std::optional<std::string> FlowInterpreter::collect_key(const Node& node, char key, Effects& out) {
  const auto& p = std::get<CollectParams>(node.params);
  cancel_timer(out);
  if (!p.terminator.empty() && key == p.terminator[0]) return collect_finish(node, out);
  if (key == '*' && !p.star_as.empty()) {
    collected_ += p.star_as;
  } else {
    collected_ += key;
  }
  if (static_cast<int>(collected_.size()) >= p.max_length) {
    // Callers often press the terminator anyway: it must not become type-ahead for the next menu.
    swallow_key_ = p.terminator.empty() ? '\0' : p.terminator[0];
    return collect_finish(node, out);
  }
  // Wait for the next key. While type-ahead is being replayed the caller is not waited for yet.
  if (type_ahead_.empty()) start_timer(p.inter_digit_timeout_ms, out);
  return std::nullopt;
}

bool FlowInterpreter::input_valid(const CollectParams& p, const std::string& value) {
  auto length = static_cast<int>(value.size());
  if (length < p.min_length || length > p.max_length) return false;
  if (p.validate.empty()) return true;
  if (p.validate == "digits") {
    return std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
  }
  return env_.validate(p.validate, value);
}

std::optional<std::string> FlowInterpreter::collect_finish(const Node& node, Effects& out) {
  const auto& p = std::get<CollectParams>(node.params);
  cancel_timer(out);
  bool valid = input_valid(p, collected_);
  log({{"event", "digits"},
       {"node", node.id},
       {"value", p.sensitive ? std::string(kMasked) : collected_},
       {"valid", valid}});
  if (!valid) return collect_failure(node, out);
  set_variable(p.variable, collected_, p.sensitive);
  collected_.clear();
  return follow(node, "ok", out);
}

std::optional<std::string> FlowInterpreter::collect_failure(const Node& node, Effects& out) {
  const auto& p = std::get<CollectParams>(node.params);
  collected_.clear();
  type_ahead_.clear();
  if (++collect_attempt_ > p.attempts) return follow(node, "failed", out);
  return collect_begin(node, p.retry_prompts, out);
}

// ---- survey ---------------------------------------------------------------------------------

std::optional<std::string> FlowInterpreter::survey_key(const Node& node, char key, Effects& out) {
  Rating rating = key == '1'   ? Rating::satisfied
                  : key == '2' ? Rating::basically_satisfied
                               : Rating::dissatisfied;
  cancel_timer(out);
  rating_ = rating;
  out.push_back(Rate{rating});
  log({{"event", "rating"}, {"node", node.id}, {"value", to_string(rating)}});
  return follow(node, "next", out);
}

// ---- helpers --------------------------------------------------------------------------------

void FlowInterpreter::play(PromptList items, bool interruptible, Effects& out) {
  play_token_ = ++next_token_;
  play_interruptible_ = interruptible;
  phase_ = Phase::playing;
  out.push_back(Play{play_token_, std::move(items), interruptible});
}

void FlowInterpreter::start_timer(int ms, Effects& out) {
  if (timer_token_ != 0) out.push_back(CancelTimer{timer_token_});
  timer_token_ = ++next_token_;
  phase_ = Phase::waiting;
  out.push_back(StartTimer{timer_token_, ms});
}

void FlowInterpreter::cancel_timer(Effects& out) {
  if (timer_token_ != 0) out.push_back(CancelTimer{timer_token_});
  timer_token_ = 0;
}

void FlowInterpreter::release_waits(Effects& out) {
  if (play_token_ != 0) out.push_back(StopPlayback{play_token_});
  if (timer_token_ != 0) out.push_back(CancelTimer{timer_token_});
  play_token_ = 0;
  timer_token_ = 0;
  query_token_ = 0;
}

void FlowInterpreter::finish(std::string outcome, Effects& out) {
  release_waits(out);
  outcome_ = std::move(outcome);
  phase_ = Phase::done;
}

void FlowInterpreter::hang_up(const std::string& cause, std::string outcome, Effects& out) {
  release_waits(out);
  out.push_back(Hangup{cause});
  finish(std::move(outcome), out);
}

// How a call that ends by hang-up is counted: what it achieved matters more than who hung up.
std::string FlowInterpreter::ended_outcome(bool by_caller) const {
  if (message_recorded_) return "message";
  if (query_found_) return "self_served";
  if (rating_) return "surveyed";
  if (by_caller && !reached_hangup_) return "abandoned";
  return "completed";
}

void FlowInterpreter::buffer_key(char key) {
  if (type_ahead_.size() < kMaxTypeAhead) type_ahead_.push_back(key);
}

json FlowInterpreter::queue_context(const Node& node) const {
  json sensitive_names = json::array();
  for (const auto& name : sensitive_) {
    if (variables_.count(name)) sensitive_names.push_back(name);
  }
  return {
      {"flow", flow_->name},
      {"flow_version", flow_->version},
      {"node", node.id},
      {"variables", public_variables()},
      {"sensitive_variables", sensitive_names},
      {"query_outcome", last_query_outcome_.empty() ? json() : json(last_query_outcome_)},
  };
}

}  // namespace hotline::ivr
