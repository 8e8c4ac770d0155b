#include "acd/acd_json.hpp"

#include <cmath>

#include "common/masking.hpp"

namespace hotline::acd {

namespace {

nlohmann::json optional_pct(std::optional<double> value) {
  if (!value) return nullptr;
  return std::round(*value * 10.0) / 10.0;
}

}  // namespace

nlohmann::json agent_json(const AgentView& view) {
  nlohmann::json queues = nlohmann::json::array();
  for (const auto& membership : view.state.memberships) queues.push_back(membership.queue);
  nlohmann::json call = nullptr;
  if (!view.state.call.empty())
    call = {{"uuid", view.call_uuid.empty() ? view.state.call : view.call_uuid},
            {"queue", view.call_queue},
            {"caller", mask_phone_number(view.call_caller)},
            {"callback", view.call_callback},
            {"since", format_iso8601(view.state.since)}};
  nlohmann::json after_call = nullptr;
  if (view.state.after_call) after_call = std::string(to_string(*view.state.after_call));
  return {{"user_id", view.info.id},
          {"username", view.info.username},
          {"display_name", view.info.display_name},
          {"extension", view.info.extension},
          {"org_unit_id", view.info.org_unit_id ? nlohmann::json(*view.info.org_unit_id)
                                                : nlohmann::json(nullptr)},
          {"state", std::string(to_string(view.state.state))},
          {"reason", view.state.reason},
          {"since", format_iso8601(view.state.since)},
          {"after_call", after_call},
          {"after_call_reason", view.state.after_call_reason},
          {"logged_in_at", view.logged_in_at ? nlohmann::json(format_iso8601(view.logged_in_at))
                                             : nlohmann::json(nullptr)},
          {"call", call},
          {"answered", view.state.answered},
          {"talk_seconds", view.state.talk_ms / 1000},
          {"queues", queues}};
}

nlohmann::json queue_json(const QueueView& view) {
  nlohmann::json agents = nlohmann::json::object();
  for (const auto state : {AgentState::ready, AgentState::not_ready, AgentState::ringing,
                           AgentState::talking, AgentState::wrap_up, AgentState::logged_out}) {
    const auto found = view.live.members_by_state.find(state);
    agents[std::string(to_string(state))] =
        found == view.live.members_by_state.end() ? 0 : found->second;
  }
  return {{"name", view.config.name},
          {"display_name", view.config.display_name},
          {"waiting", view.live.waiting},
          {"longest_wait_seconds", view.live.longest_wait_ms / 1000},
          {"entered", view.day.entered},
          {"answered", view.day.answered},
          {"abandoned", view.day.abandoned},
          {"overflowed", view.day.overflowed},
          {"service_level_pct", optional_pct(view.service_level_pct())},
          {"within_15s_pct", optional_pct(view.within_15s_pct())},
          {"within_20s_pct", optional_pct(view.within_20s_pct())},
          {"service_level_seconds", view.config.service_level_seconds},
          {"service_level_target", view.config.service_level_target},
          {"warn_wait_seconds", view.config.warn_wait_seconds},
          {"alert_wait_seconds", view.config.alert_wait_seconds},
          {"breached", view.breached()},
          {"agents", agents}};
}

}  // namespace hotline::acd
