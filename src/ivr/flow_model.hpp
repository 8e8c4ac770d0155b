#pragma once
// The data model of an IVR flow: a named, versioned graph of typed nodes joined by named exits.
// It is plain data (no behaviour): flow_json reads and writes it, flow_validator checks it at
// publish time and flow_interpreter runs it for one call.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace hotline::ivr {

// One thing to play: a recorded prompt by name, or text the runtime speaks with TTS.
struct PromptItem {
  enum class Kind { prompt, text };
  Kind kind = Kind::text;
  std::string value;

  bool operator==(const PromptItem&) const = default;
};
using PromptList = std::vector<PromptItem>;

enum class NodeType {
  play,
  menu,
  collect,
  time_condition,
  set_variable,
  data_query,
  say_result,
  queue,
  transfer,
  message,
  survey,
  hangup,
  goto_flow,
};

std::string_view to_string(NodeType type);
std::optional<NodeType> node_type_from_string(std::string_view text);

// Parameters per node type. Defaults are what a node gets when the JSON leaves a field out.
struct PlayParams {
  static constexpr NodeType kType = NodeType::play;
  PromptList prompts;
  bool interruptible = false;  // a digit stops the prompt and is kept as type-ahead
};

struct MenuParams {
  static constexpr NodeType kType = NodeType::menu;
  PromptList prompts;
  int timeout_ms = 5000;       // waiting for a key after the prompt ends
  int max_retries = 2;         // replays after a timeout or an invalid key, counted together
  PromptList invalid_prompts;  // played before the replay after an invalid key
  PromptList timeout_prompts;  // played before the replay after a timeout
};

struct CollectParams {
  static constexpr NodeType kType = NodeType::collect;
  PromptList prompts;
  int min_length = 1;
  int max_length = 20;
  std::string terminator = "#";  // "" for none; otherwise one of "#" or "*"
  int first_digit_timeout_ms = 5000;
  int inter_digit_timeout_ms = 3000;
  std::string validate;      // "" (length only), "digits" or "id_number"
  std::string variable;      // where the collected value is stored
  bool sensitive = false;    // never written to the path log (ID numbers)
  int attempts = 2;          // total attempts before the `failed` exit
  PromptList retry_prompts;  // played before a new attempt
  std::string star_as;       // if set, `*` is stored as this (one character, e.g. "X")
};

struct TimeConditionParams {
  static constexpr NodeType kType = NodeType::time_condition;
  std::string calendar;
};

struct SetVariableParams {
  static constexpr NodeType kType = NodeType::set_variable;
  std::string variable;
  std::string value;  // template over variables, e.g. "{id_number}"
};

struct DataQueryParams {
  static constexpr NodeType kType = NodeType::data_query;
  std::string source;
  std::map<std::string, std::string> params;  // values are templates over variables
  std::string result_variable = "result";
  int timeout_ms = 8000;  // the interpreter's own guard; the source has its own timeout too
};

struct SayResultParams {
  static constexpr NodeType kType = NodeType::say_result;
  std::string text;  // template over the result's fields, e.g. "预计{expected_date:date}可领取"
  std::string result_variable = "result";
  bool interruptible = false;
};

struct QueueParams {
  static constexpr NodeType kType = NodeType::queue;
  std::string queue;
  int priority = 0;
};

struct TransferParams {
  static constexpr NodeType kType = NodeType::transfer;
  std::string target;  // extension or number
};

struct MessageParams {
  static constexpr NodeType kType = NodeType::message;
  PromptList prompts;
  int max_seconds = 120;
};

struct SurveyParams {
  static constexpr NodeType kType = NodeType::survey;
  PromptList prompts;
  int timeout_ms = 8000;
};

struct HangupParams {
  static constexpr NodeType kType = NodeType::hangup;
  PromptList prompts;  // optional goodbye
};

struct GotoFlowParams {
  static constexpr NodeType kType = NodeType::goto_flow;
  std::string flow;
};

using NodeParams =
    std::variant<PlayParams, MenuParams, CollectParams, TimeConditionParams, SetVariableParams,
                 DataQueryParams, SayResultParams, QueueParams, TransferParams, MessageParams,
                 SurveyParams, HangupParams, GotoFlowParams>;

// Designer layout, kept as is; the engine never reads it.
struct Position {
  double x = 0;
  double y = 0;
  bool operator==(const Position&) const = default;
};

struct Node {
  std::string id;
  std::string name;  // for people
  NodeParams params;
  std::map<std::string, std::string> exits;  // exit name -> target node id
  std::optional<int> max_visits;             // overrides the flow's limit
  std::optional<Position> position;

  NodeType type() const;
  // The target of an exit, or nullptr when the node has no such exit.
  const std::string* exit(const std::string& name) const;
};

constexpr int kDefaultMaxVisits = 5;

struct Flow {
  std::string name;
  long long version = 0;
  std::string start;
  std::string fallback;                // "" when none
  int max_visits = kDefaultMaxVisits;  // visits of one node per call before the fallback is taken
  std::map<std::string, Node> nodes;
  nlohmann::json ui;  // designer state (viewport, ...), kept as is; null when absent

  const Node* find(const std::string& id) const;
};

// True for the keys a phone can send: 0-9 * # A B C D.
bool is_dtmf_key(char c);

// True for nodes whose effect ends the flow (queue, transfer, hangup, goto_flow).
bool is_terminal(NodeType type);
// True for nodes that wait for the caller's keys (menu, collect).
bool waits_for_input(NodeType type);

}  // namespace hotline::ivr
