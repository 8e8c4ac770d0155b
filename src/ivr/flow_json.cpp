#include "ivr/flow_json.hpp"

#include <limits>
#include <set>
#include <string>

namespace hotline::ivr {
namespace {

using nlohmann::json;

// Reads the fields of one JSON object into a struct, recording a FlowIssue for each field of
// the wrong type, and remembering which fields it was asked about so that the rest can be
// reported as unknown (usually a typo in a hand-written flow).
class FieldReader {
 public:
  FieldReader(const json& object, std::string node_id, std::vector<FlowIssue>& issues)
      : object_(object), node_id_(std::move(node_id)), issues_(issues) {}

  void string(const char* key, std::string& out) {
    const json* value = find(key);
    if (!value) return;
    if (!value->is_string()) return wrong_type(key, "a string");
    out = value->get<std::string>();
  }

  void integer(const char* key, int& out) {
    const json* value = find(key);
    if (!value) return;
    if (!value->is_number_integer()) return wrong_type(key, "an integer");
    auto n = value->get<long long>();
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
      return wrong_type(key, "an integer in range");
    }
    out = static_cast<int>(n);
  }

  void optional_integer(const char* key, std::optional<int>& out) {
    if (!find(key)) return;
    int n = 0;
    std::size_t before = issues_.size();
    integer(key, n);
    if (issues_.size() == before) out = n;
  }

  void long_integer(const char* key, long long& out) {
    const json* value = find(key);
    if (!value) return;
    if (!value->is_number_integer()) return wrong_type(key, "an integer");
    out = value->get<long long>();
  }

  void boolean(const char* key, bool& out) {
    const json* value = find(key);
    if (!value) return;
    if (!value->is_boolean()) return wrong_type(key, "true or false");
    out = value->get<bool>();
  }

  void prompts(const char* key, PromptList& out) {
    const json* value = find(key);
    if (!value) return;
    if (!value->is_array()) return wrong_type(key, "a list of prompt items");
    for (std::size_t i = 0; i < value->size(); ++i) {
      const json& item = (*value)[i];
      std::string field = std::string(key) + "[" + std::to_string(i) + "]";
      bool one_key = item.is_object() && item.size() == 1;
      if (one_key && item.contains("prompt") && item["prompt"].is_string()) {
        out.push_back({PromptItem::Kind::prompt, item["prompt"].get<std::string>()});
      } else if (one_key && item.contains("text") && item["text"].is_string()) {
        out.push_back({PromptItem::Kind::text, item["text"].get<std::string>()});
      } else {
        add(field, "invalid_prompt",
            field + " must be {\"prompt\": \"name\"} or {\"text\": \"words\"}");
      }
    }
  }

  void string_map(const char* key, std::map<std::string, std::string>& out) {
    const json* value = find(key);
    if (!value) return;
    if (!value->is_object()) return wrong_type(key, "an object of strings");
    for (const auto& [name, target] : value->items()) {
      if (!target.is_string()) {
        add(std::string(key) + "." + name, "wrong_type",
            std::string(key) + "." + name + " must be a string");
        continue;
      }
      out[name] = target.get<std::string>();
    }
  }

  void position(const char* key, std::optional<Position>& out) {
    const json* value = find(key);
    if (!value) return;
    if (!value->is_object() || !value->contains("x") || !value->contains("y") ||
        !(*value)["x"].is_number() || !(*value)["y"].is_number() || value->size() != 2) {
      return wrong_type(key, "{\"x\": number, \"y\": number}");
    }
    out = Position{(*value)["x"].get<double>(), (*value)["y"].get<double>()};
  }

  void raw(const char* key, json& out) {
    if (const json* value = find(key)) out = *value;
  }

  // Reports every field nobody asked about.
  void reject_unknown_fields() {
    for (const auto& [key, value] : object_.items()) {
      if (!known_.count(key)) add(key, "unknown_field", "unknown field \"" + key + "\"");
    }
  }

  void add(const std::string& field, const std::string& code, const std::string& message) {
    issues_.push_back({FlowIssue::Severity::error, node_id_, field, code, message});
  }

 private:
  const json* find(const char* key) {
    known_.insert(key);
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  void wrong_type(const char* key, const std::string& expected) {
    add(key, "wrong_type", std::string(key) + " must be " + expected);
  }

  const json& object_;
  std::string node_id_;
  std::vector<FlowIssue>& issues_;
  std::set<std::string> known_;
};

// Per node type: which fields it has. One function per type so that reading and writing stay
// side by side and cannot drift apart.
void read_params(FieldReader& r, PlayParams& p) {
  r.prompts("prompts", p.prompts);
  r.boolean("interruptible", p.interruptible);
}
void write_params(json& j, const PlayParams& p) {
  j["prompts"] = to_json(p.prompts);
  j["interruptible"] = p.interruptible;
}

void read_params(FieldReader& r, MenuParams& p) {
  r.prompts("prompts", p.prompts);
  r.integer("timeout_ms", p.timeout_ms);
  r.integer("max_retries", p.max_retries);
  r.prompts("invalid_prompts", p.invalid_prompts);
  r.prompts("timeout_prompts", p.timeout_prompts);
}
void write_params(json& j, const MenuParams& p) {
  j["prompts"] = to_json(p.prompts);
  j["timeout_ms"] = p.timeout_ms;
  j["max_retries"] = p.max_retries;
  j["invalid_prompts"] = to_json(p.invalid_prompts);
  j["timeout_prompts"] = to_json(p.timeout_prompts);
}

void read_params(FieldReader& r, CollectParams& p) {
  r.prompts("prompts", p.prompts);
  r.integer("min_length", p.min_length);
  r.integer("max_length", p.max_length);
  r.string("terminator", p.terminator);
  r.integer("first_digit_timeout_ms", p.first_digit_timeout_ms);
  r.integer("inter_digit_timeout_ms", p.inter_digit_timeout_ms);
  r.string("validate", p.validate);
  r.string("variable", p.variable);
  r.boolean("sensitive", p.sensitive);
  r.integer("attempts", p.attempts);
  r.prompts("retry_prompts", p.retry_prompts);
  r.string("star_as", p.star_as);
}
void write_params(json& j, const CollectParams& p) {
  j["prompts"] = to_json(p.prompts);
  j["min_length"] = p.min_length;
  j["max_length"] = p.max_length;
  j["terminator"] = p.terminator;
  j["first_digit_timeout_ms"] = p.first_digit_timeout_ms;
  j["inter_digit_timeout_ms"] = p.inter_digit_timeout_ms;
  j["validate"] = p.validate;
  j["variable"] = p.variable;
  j["sensitive"] = p.sensitive;
  j["attempts"] = p.attempts;
  j["retry_prompts"] = to_json(p.retry_prompts);
  j["star_as"] = p.star_as;
}

void read_params(FieldReader& r, TimeConditionParams& p) {
  r.string("calendar", p.calendar);
}
void write_params(json& j, const TimeConditionParams& p) {
  j["calendar"] = p.calendar;
}

void read_params(FieldReader& r, SetVariableParams& p) {
  r.string("variable", p.variable);
  r.string("value", p.value);
}
void write_params(json& j, const SetVariableParams& p) {
  j["variable"] = p.variable;
  j["value"] = p.value;
}

void read_params(FieldReader& r, DataQueryParams& p) {
  r.string("source", p.source);
  r.string_map("params", p.params);
  r.string("result_variable", p.result_variable);
  r.integer("timeout_ms", p.timeout_ms);
}
void write_params(json& j, const DataQueryParams& p) {
  j["source"] = p.source;
  j["params"] = p.params;
  j["result_variable"] = p.result_variable;
  j["timeout_ms"] = p.timeout_ms;
}

void read_params(FieldReader& r, SayResultParams& p) {
  r.string("text", p.text);
  r.string("result_variable", p.result_variable);
  r.boolean("interruptible", p.interruptible);
}
void write_params(json& j, const SayResultParams& p) {
  j["text"] = p.text;
  j["result_variable"] = p.result_variable;
  j["interruptible"] = p.interruptible;
}

void read_params(FieldReader& r, QueueParams& p) {
  r.string("queue", p.queue);
  r.integer("priority", p.priority);
}
void write_params(json& j, const QueueParams& p) {
  j["queue"] = p.queue;
  j["priority"] = p.priority;
}

void read_params(FieldReader& r, TransferParams& p) {
  r.string("target", p.target);
}
void write_params(json& j, const TransferParams& p) {
  j["target"] = p.target;
}

void read_params(FieldReader& r, MessageParams& p) {
  r.prompts("prompts", p.prompts);
  r.integer("max_seconds", p.max_seconds);
}
void write_params(json& j, const MessageParams& p) {
  j["prompts"] = to_json(p.prompts);
  j["max_seconds"] = p.max_seconds;
}

void read_params(FieldReader& r, SurveyParams& p) {
  r.prompts("prompts", p.prompts);
  r.integer("timeout_ms", p.timeout_ms);
}
void write_params(json& j, const SurveyParams& p) {
  j["prompts"] = to_json(p.prompts);
  j["timeout_ms"] = p.timeout_ms;
}

void read_params(FieldReader& r, HangupParams& p) {
  r.prompts("prompts", p.prompts);
}
void write_params(json& j, const HangupParams& p) {
  j["prompts"] = to_json(p.prompts);
}

void read_params(FieldReader& r, GotoFlowParams& p) {
  r.string("flow", p.flow);
}
void write_params(json& j, const GotoFlowParams& p) {
  j["flow"] = p.flow;
}

// A NodeParams holding the default parameters of `type`.
NodeParams default_params(NodeType type) {
  switch (type) {
    case NodeType::play:
      return PlayParams{};
    case NodeType::menu:
      return MenuParams{};
    case NodeType::collect:
      return CollectParams{};
    case NodeType::time_condition:
      return TimeConditionParams{};
    case NodeType::set_variable:
      return SetVariableParams{};
    case NodeType::data_query:
      return DataQueryParams{};
    case NodeType::say_result:
      return SayResultParams{};
    case NodeType::queue:
      return QueueParams{};
    case NodeType::transfer:
      return TransferParams{};
    case NodeType::message:
      return MessageParams{};
    case NodeType::survey:
      return SurveyParams{};
    case NodeType::hangup:
      return HangupParams{};
    case NodeType::goto_flow:
      return GotoFlowParams{};
  }
  return PlayParams{};
}

std::optional<Node> parse_node(const std::string& id, const json& object,
                               std::vector<FlowIssue>& issues) {
  FieldReader reader(object, id, issues);
  if (!object.is_object()) {
    reader.add("", "wrong_type", "a node must be an object");
    return std::nullopt;
  }
  std::string type_name;
  std::size_t before = issues.size();
  reader.string("type", type_name);
  if (issues.size() != before) return std::nullopt;
  auto type = node_type_from_string(type_name);
  if (!type) {
    reader.add("type", type_name.empty() ? "missing_field" : "unknown_node_type",
               type_name.empty() ? "type is required" : "unknown node type \"" + type_name + "\"");
    return std::nullopt;
  }
  Node node;
  node.id = id;
  node.params = default_params(*type);
  reader.string("name", node.name);
  reader.string_map("exits", node.exits);
  reader.optional_integer("max_visits", node.max_visits);
  reader.position("position", node.position);
  std::visit([&](auto& p) { read_params(reader, p); }, node.params);
  reader.reject_unknown_fields();
  if (issues.size() != before) return std::nullopt;
  return node;
}

}  // namespace

nlohmann::json to_json(const PromptList& prompts) {
  auto out = json::array();
  for (const auto& item : prompts) {
    out.push_back({{item.kind == PromptItem::Kind::prompt ? "prompt" : "text", item.value}});
  }
  return out;
}

ParsedFlow parse_flow(const nlohmann::json& in) {
  ParsedFlow result;
  auto& issues = result.errors;
  if (!in.is_object()) {
    issues.push_back(
        {FlowIssue::Severity::error, "", "", "wrong_type", "a flow must be an object"});
    return result;
  }
  Flow flow;
  FieldReader reader(in, "", issues);
  reader.string("name", flow.name);
  reader.long_integer("version", flow.version);
  reader.string("start", flow.start);
  reader.string("fallback", flow.fallback);
  reader.integer("max_visits", flow.max_visits);
  reader.raw("ui", flow.ui);
  json nodes;
  reader.raw("nodes", nodes);
  reader.reject_unknown_fields();
  if (!nodes.is_null() && !nodes.is_object()) {
    reader.add("nodes", "wrong_type", "nodes must be an object keyed by node id");
  } else if (nodes.is_object()) {
    for (const auto& [id, object] : nodes.items()) {
      if (id.empty()) {
        reader.add("nodes", "invalid_value", "a node id must not be empty");
        continue;
      }
      if (auto node = parse_node(id, object, issues)) flow.nodes.emplace(id, std::move(*node));
    }
  }
  if (issues.empty()) result.flow = std::move(flow);
  return result;
}

nlohmann::json to_json(const Flow& flow) {
  json out = {
      {"name", flow.name},         {"version", flow.version},       {"start", flow.start},
      {"fallback", flow.fallback}, {"max_visits", flow.max_visits}, {"nodes", json::object()},
  };
  if (!flow.ui.is_null()) out["ui"] = flow.ui;
  for (const auto& [id, node] : flow.nodes) {
    json j = {{"type", to_string(node.type())}, {"name", node.name}, {"exits", node.exits}};
    if (node.max_visits) j["max_visits"] = *node.max_visits;
    if (node.position) j["position"] = {{"x", node.position->x}, {"y", node.position->y}};
    std::visit([&](const auto& p) { write_params(j, p); }, node.params);
    out["nodes"][id] = std::move(j);
  }
  return out;
}

}  // namespace hotline::ivr
