#include "ivr/flow_model.hpp"

#include <array>
#include <utility>

namespace hotline::ivr {
namespace {

constexpr std::array<std::pair<NodeType, std::string_view>, 13> kTypeNames{{
    {NodeType::play, "play"},
    {NodeType::menu, "menu"},
    {NodeType::collect, "collect"},
    {NodeType::time_condition, "time_condition"},
    {NodeType::set_variable, "set_variable"},
    {NodeType::data_query, "data_query"},
    {NodeType::say_result, "say_result"},
    {NodeType::queue, "queue"},
    {NodeType::transfer, "transfer"},
    {NodeType::message, "message"},
    {NodeType::survey, "survey"},
    {NodeType::hangup, "hangup"},
    {NodeType::goto_flow, "goto_flow"},
}};

}  // namespace

std::string_view to_string(NodeType type) {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type) return name;
  }
  return "unknown";
}

std::optional<NodeType> node_type_from_string(std::string_view text) {
  for (const auto& [t, name] : kTypeNames) {
    if (name == text) return t;
  }
  return std::nullopt;
}

NodeType Node::type() const {
  return std::visit([](const auto& p) { return std::decay_t<decltype(p)>::kType; }, params);
}

const std::string* Node::exit(const std::string& name) const {
  auto it = exits.find(name);
  return it == exits.end() ? nullptr : &it->second;
}

const Node* Flow::find(const std::string& id) const {
  auto it = nodes.find(id);
  return it == nodes.end() ? nullptr : &it->second;
}

bool is_dtmf_key(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
}

bool is_terminal(NodeType type) {
  return type == NodeType::queue || type == NodeType::transfer || type == NodeType::hangup ||
         type == NodeType::goto_flow;
}

bool waits_for_input(NodeType type) {
  return type == NodeType::menu || type == NodeType::collect;
}

}  // namespace hotline::ivr
