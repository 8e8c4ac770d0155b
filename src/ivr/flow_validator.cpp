#include "ivr/flow_validator.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "ivr/flow_json.hpp"

namespace hotline::ivr {
namespace {

using Graph = std::map<std::string, std::vector<std::string>>;  // node -> existing targets

class IssueList {
 public:
  explicit IssueList(std::vector<FlowIssue>& issues) : issues_(issues) {}

  void error(const std::string& node, const std::string& field, const std::string& code,
             const std::string& message) {
    issues_.push_back({FlowIssue::Severity::error, node, field, code, message});
  }
  void warning(const std::string& node, const std::string& field, const std::string& code,
               const std::string& message) {
    issues_.push_back({FlowIssue::Severity::warning, node, field, code, message});
  }

 private:
  std::vector<FlowIssue>& issues_;
};

void require_text(IssueList& out, const Node& node, const char* field, const std::string& value) {
  if (value.empty()) {
    out.error(node.id, field, "missing_parameter", std::string(field) + " is required");
  }
}

void require_prompts(IssueList& out, const Node& node, const char* field, const PromptList& list,
                     bool required) {
  if (required && list.empty()) {
    out.error(node.id, field, "missing_parameter", std::string(field) + " needs a prompt");
  }
  for (const auto& item : list) {
    if (item.value.empty()) {
      out.error(node.id, field, "invalid_parameter",
                std::string(field) + " has an empty prompt item");
      return;
    }
  }
}

void require_positive(IssueList& out, const Node& node, const char* field, int value) {
  if (value <= 0) {
    out.error(node.id, field, "invalid_parameter", std::string(field) + " must be positive");
  }
}

void check_params(IssueList& out, const Flow& flow, const Node& node) {
  if (node.max_visits && *node.max_visits < 1) {
    out.error(node.id, "max_visits", "invalid_parameter", "max_visits must be at least 1");
  }
  switch (node.type()) {
    case NodeType::play:
      require_prompts(out, node, "prompts", std::get<PlayParams>(node.params).prompts, true);
      break;
    case NodeType::menu: {
      const auto& p = std::get<MenuParams>(node.params);
      require_prompts(out, node, "prompts", p.prompts, true);
      require_prompts(out, node, "invalid_prompts", p.invalid_prompts, false);
      require_prompts(out, node, "timeout_prompts", p.timeout_prompts, false);
      require_positive(out, node, "timeout_ms", p.timeout_ms);
      if (p.max_retries < 0 || p.max_retries > 9) {
        out.error(node.id, "max_retries", "invalid_parameter", "max_retries must be 0 to 9");
      }
      break;
    }
    case NodeType::collect: {
      const auto& p = std::get<CollectParams>(node.params);
      require_prompts(out, node, "prompts", p.prompts, true);
      require_prompts(out, node, "retry_prompts", p.retry_prompts, false);
      require_text(out, node, "variable", p.variable);
      require_positive(out, node, "first_digit_timeout_ms", p.first_digit_timeout_ms);
      require_positive(out, node, "inter_digit_timeout_ms", p.inter_digit_timeout_ms);
      if (p.min_length < 1) {
        out.error(node.id, "min_length", "invalid_parameter", "min_length must be at least 1");
      }
      if (p.max_length < p.min_length || p.max_length > 64) {
        out.error(node.id, "max_length", "invalid_parameter",
                  "max_length must be between min_length and 64");
      }
      if (p.terminator != "" && p.terminator != "#" && p.terminator != "*") {
        out.error(node.id, "terminator", "invalid_parameter",
                  "terminator must be \"#\", \"*\" or empty");
      }
      if (p.attempts < 1 || p.attempts > 9) {
        out.error(node.id, "attempts", "invalid_parameter", "attempts must be 1 to 9");
      }
      if (p.validate != "" && p.validate != "digits" && p.validate != "id_number") {
        out.error(node.id, "validate", "invalid_parameter",
                  "validate must be \"digits\", \"id_number\" or empty");
      }
      if (p.validate == "id_number" && !p.sensitive) {
        // ID numbers are personal data: never in the path log or a queue's context.
        out.error(node.id, "sensitive", "id_number_not_sensitive",
                  "a collect of ID numbers must be sensitive");
      }
      if (p.star_as.size() > 1 || (!p.star_as.empty() && p.terminator == "*")) {
        out.error(node.id, "star_as", "invalid_parameter",
                  "star_as must be one character and * must not also be the terminator");
      }
      break;
    }
    case NodeType::time_condition:
      require_text(out, node, "calendar", std::get<TimeConditionParams>(node.params).calendar);
      break;
    case NodeType::set_variable:
      require_text(out, node, "variable", std::get<SetVariableParams>(node.params).variable);
      break;
    case NodeType::data_query: {
      const auto& p = std::get<DataQueryParams>(node.params);
      require_text(out, node, "source", p.source);
      require_text(out, node, "result_variable", p.result_variable);
      require_positive(out, node, "timeout_ms", p.timeout_ms);
      break;
    }
    case NodeType::say_result: {
      const auto& p = std::get<SayResultParams>(node.params);
      require_text(out, node, "text", p.text);
      require_text(out, node, "result_variable", p.result_variable);
      break;
    }
    case NodeType::queue:
      require_text(out, node, "queue", std::get<QueueParams>(node.params).queue);
      break;
    case NodeType::transfer:
      require_text(out, node, "target", std::get<TransferParams>(node.params).target);
      break;
    case NodeType::message: {
      const auto& p = std::get<MessageParams>(node.params);
      require_prompts(out, node, "prompts", p.prompts, false);
      require_positive(out, node, "max_seconds", p.max_seconds);
      break;
    }
    case NodeType::survey: {
      const auto& p = std::get<SurveyParams>(node.params);
      require_prompts(out, node, "prompts", p.prompts, true);
      require_positive(out, node, "timeout_ms", p.timeout_ms);
      break;
    }
    case NodeType::hangup:
      require_prompts(out, node, "prompts", std::get<HangupParams>(node.params).prompts, false);
      break;
    case NodeType::goto_flow: {
      const auto& p = std::get<GotoFlowParams>(node.params);
      require_text(out, node, "flow", p.flow);
      if (!p.flow.empty() && p.flow == flow.name) {
        out.warning(node.id, "flow", "goto_same_flow", "goes to its own flow: it restarts it");
      }
      break;
    }
  }
}

void check_exits(IssueList& out, const Flow& flow, const Node& node) {
  for (const auto& [name, target] : node.exits) {
    std::string field = "exits." + name;
    if (!exit_allowed(node, name)) {
      out.error(node.id, field, "unexpected_exit",
                "a " + std::string(to_string(node.type())) + " node has no exit \"" + name + "\"");
    } else if (!flow.find(target)) {
      out.error(node.id, field, "unknown_exit_target",
                "exit \"" + name + "\" leads to unknown node \"" + target + "\"");
    }
  }
  for (const auto& name : required_exits(node.type())) {
    if (!node.exit(name)) {
      out.error(
          node.id, "exits." + name, "missing_exit",
          "exit \"" + name + "\" is required: without it the caller would be left in silence");
    }
  }
  if (node.type() == NodeType::menu) {
    bool has_digit = std::any_of(node.exits.begin(), node.exits.end(), [](const auto& exit) {
      return exit.first.size() == 1 && is_dtmf_key(exit.first[0]);
    });
    if (!has_digit) {
      out.error(node.id, "exits", "menu_without_options", "a menu needs at least one key");
    }
  }
}

// Graph of the edges that lead to existing nodes, optionally leaving out some nodes.
Graph build_graph(const Flow& flow, const std::function<bool(const Node&)>& keep) {
  Graph graph;
  for (const auto& [id, node] : flow.nodes) {
    if (!keep(node)) continue;
    auto& targets = graph[id];
    for (const auto& [name, target] : node.exits) {
      const Node* next = flow.find(target);
      if (next && keep(*next)) targets.push_back(target);
    }
  }
  return graph;
}

// Strongly connected components that contain a cycle (more than one node, or a self-loop), each
// sorted, by Tarjan's algorithm.
std::vector<std::vector<std::string>> cyclic_components(const Graph& graph) {
  std::map<std::string, int> index, low;
  std::set<std::string> on_stack;
  std::vector<std::string> stack;
  std::vector<std::vector<std::string>> found;
  int counter = 0;
  std::function<void(const std::string&)> visit = [&](const std::string& v) {
    index[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack.insert(v);
    for (const auto& w : graph.at(v)) {
      if (!index.count(w)) {
        visit(w);
        low[v] = std::min(low[v], low[w]);
      } else if (on_stack.count(w)) {
        low[v] = std::min(low[v], index[w]);
      }
    }
    if (low[v] != index[v]) return;
    std::vector<std::string> component;
    std::string w;
    do {
      w = stack.back();
      stack.pop_back();
      on_stack.erase(w);
      component.push_back(w);
    } while (w != v);
    const auto& own = graph.at(v);
    bool self_loop = std::find(own.begin(), own.end(), v) != own.end();
    if (component.size() > 1 || self_loop) {
      std::sort(component.begin(), component.end());
      found.push_back(std::move(component));
    }
  };
  for (const auto& [id, targets] : graph) {
    if (!index.count(id)) visit(id);
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::set<std::string> reachable_from(const Graph& graph, const std::vector<std::string>& roots) {
  std::set<std::string> seen;
  std::vector<std::string> todo;
  for (const auto& root : roots) {
    if (graph.count(root) && seen.insert(root).second) todo.push_back(root);
  }
  while (!todo.empty()) {
    std::string v = todo.back();
    todo.pop_back();
    for (const auto& w : graph.at(v)) {
      if (seen.insert(w).second) todo.push_back(w);
    }
  }
  return seen;
}

std::string join(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

void check_graph(IssueList& out, const Flow& flow) {
  Graph all = build_graph(flow, [](const Node&) { return true; });
  std::vector<std::string> roots{flow.start};
  if (!flow.fallback.empty()) roots.push_back(flow.fallback);
  auto reachable = reachable_from(all, roots);
  for (const auto& [id, node] : flow.nodes) {
    if (!reachable.count(id)) {
      out.warning(id, "", "unreachable_node", "no path from the start leads to this node");
    }
  }

  auto cycles = cyclic_components(all);
  if (!cycles.empty() && flow.fallback.empty()) {
    for (const auto& cycle : cycles) {
      out.error(cycle.front(), "", "cycle_without_fallback",
                "nodes " + join(cycle) +
                    " form a loop, so the flow must declare a fallback for when a node's visit "
                    "limit is reached");
    }
  }
  // Without menus and collects, what is left must not loop: such a loop never waits for the
  // caller and would spin.
  Graph silent = build_graph(flow, [](const Node& n) { return !waits_for_input(n.type()); });
  for (const auto& cycle : cyclic_components(silent)) {
    out.error(cycle.front(), "", "loop_without_input",
              "nodes " + join(cycle) + " form a loop that never waits for the caller's keys");
  }
  // The fallback is where looping calls end up, so it must lead to an end without loops.
  if (!flow.fallback.empty() && flow.find(flow.fallback)) {
    auto after_fallback = reachable_from(all, {flow.fallback});
    for (const auto& cycle : cycles) {
      if (after_fallback.count(cycle.front())) {
        out.error(flow.fallback, "", "fallback_may_loop",
                  "the fallback node leads into the loop " + join(cycle));
        break;
      }
    }
  }
}

}  // namespace

std::vector<std::string> required_exits(NodeType type) {
  switch (type) {
    case NodeType::play:
    case NodeType::set_variable:
    case NodeType::say_result:
    case NodeType::message:
    case NodeType::survey:
      return {"next"};
    case NodeType::menu:
      return {"timeout", "invalid"};
    case NodeType::collect:
      return {"ok", "failed"};
    case NodeType::time_condition:
      return {"open", "closed"};
    case NodeType::data_query:
      return {"found", "not_found", "error"};
    case NodeType::queue:
    case NodeType::transfer:
    case NodeType::hangup:
    case NodeType::goto_flow:
      return {};
  }
  return {};
}

bool exit_allowed(const Node& node, const std::string& name) {
  auto required = required_exits(node.type());
  if (std::find(required.begin(), required.end(), name) != required.end()) return true;
  return node.type() == NodeType::menu && name.size() == 1 && is_dtmf_key(name[0]);
}

bool ValidationReport::ok() const {
  return std::none_of(issues.begin(), issues.end(), [](const FlowIssue& issue) {
    return issue.severity == FlowIssue::Severity::error;
  });
}

std::vector<FlowIssue> ValidationReport::errors() const {
  std::vector<FlowIssue> out;
  for (const auto& issue : issues) {
    if (issue.severity == FlowIssue::Severity::error) out.push_back(issue);
  }
  return out;
}

std::vector<FlowIssue> ValidationReport::warnings() const {
  std::vector<FlowIssue> out;
  for (const auto& issue : issues) {
    if (issue.severity == FlowIssue::Severity::warning) out.push_back(issue);
  }
  return out;
}

nlohmann::json ValidationReport::to_json() const {
  return {{"ok", ok()}, {"issues", ivr::to_json(issues)}};
}

ValidationReport validate_flow(const Flow& flow) {
  ValidationReport report;
  IssueList out(report.issues);
  if (flow.name.empty()) out.error("", "name", "missing_parameter", "the flow needs a name");
  if (flow.max_visits < 1) {
    out.error("", "max_visits", "invalid_parameter", "max_visits must be at least 1");
  }
  if (flow.nodes.empty()) {
    out.error("", "nodes", "no_nodes", "the flow has no nodes");
    return report;
  }
  if (!flow.find(flow.start)) {
    out.error("", "start", "unknown_start",
              flow.start.empty() ? "the flow needs a start node"
                                 : "start node \"" + flow.start + "\" does not exist");
  }
  if (!flow.fallback.empty() && !flow.find(flow.fallback)) {
    out.error("", "fallback", "unknown_fallback",
              "fallback node \"" + flow.fallback + "\" does not exist");
  }
  for (const auto& [id, node] : flow.nodes) {
    check_params(out, flow, node);
    check_exits(out, flow, node);
  }
  check_graph(out, flow);
  return report;
}

ValidationReport validate_flow_json(const nlohmann::json& json) {
  auto parsed = parse_flow(json);
  if (!parsed.ok()) return ValidationReport{parsed.errors};
  return validate_flow(*parsed.flow);
}

Result<Flow> read_valid_flow(const nlohmann::json& json) {
  auto parsed = parse_flow(json);
  if (!parsed.ok()) return to_error(parsed.errors);
  auto report = validate_flow(*parsed.flow);
  if (!report.ok()) return to_error(report.issues);
  return std::move(*parsed.flow);
}

}  // namespace hotline::ivr
