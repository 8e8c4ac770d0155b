#include "acd/acd_types.hpp"

#include <array>
#include <utility>

namespace hotline::acd {

namespace {

constexpr std::array<std::pair<AgentState, std::string_view>, kAgentStateCount> kStateNames{{
    {AgentState::logged_out, "logged_out"},
    {AgentState::ready, "ready"},
    {AgentState::not_ready, "not_ready"},
    {AgentState::ringing, "ringing"},
    {AgentState::talking, "talking"},
    {AgentState::wrap_up, "wrap_up"},
}};

constexpr std::array<std::pair<Strategy, std::string_view>, 6> kStrategyNames{{
    {Strategy::longest_idle, "longest_idle"},
    {Strategy::round_robin, "round_robin"},
    {Strategy::fewest_calls, "fewest_calls"},
    {Strategy::least_talk_time, "least_talk_time"},
    {Strategy::ring_all, "ring_all"},
    {Strategy::skills, "skills"},
}};

template <typename Table, typename Value>
std::string_view name_of(const Table& table, Value value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename Value, typename Table>
std::optional<Value> value_of(const Table& table, std::string_view text) {
  for (const auto& [v, name] : table) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(AgentState state) {
  return name_of(kStateNames, state);
}

std::optional<AgentState> agent_state_from(std::string_view text) {
  return value_of<AgentState>(kStateNames, text);
}

std::string_view to_string(Strategy strategy) {
  return name_of(kStrategyNames, strategy);
}

std::optional<Strategy> strategy_from(std::string_view text) {
  return value_of<Strategy>(kStrategyNames, text);
}

}  // namespace hotline::acd
