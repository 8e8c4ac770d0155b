// Supervisors on live calls: their phone is called and, once answered, joins the call's mixer
// to listen (hears both sides, heard by no one), whisper (heard by the agent only) or barge in
// (heard by both). The mode changes live; the supervisor's hang-up or the call's end ends it.
#include <spdlog/spdlog.h>

#include "call/call_service.hpp"

namespace hotline::call {

namespace {

std::optional<media::PartyMode> party_mode(const std::string& mode) {
  if (mode == "listen") return media::PartyMode::speak_to_none;
  if (mode == "whisper") return media::PartyMode::speak_to_one;
  if (mode == "barge") return media::PartyMode::speak_to_all;
  return std::nullopt;
}

}  // namespace

Result<MonitorSession> CallService::monitor(const std::string& agent_extension,
                                            const std::string& supervisor_extension,
                                            const std::string& mode) {
  if (!party_mode(mode)) return Error{"invalid", "mode must be listen, whisper or barge"};
  if (agent_extension == supervisor_extension)
    return Error{"invalid", "a supervisor cannot monitor their own phone"};
  Call* call = nullptr;
  for (auto& [uuid, candidate] : calls_)
    if (!candidate->ending && candidate->connected &&
        candidate->connected->party == agent_extension && candidate->connected->kind == "extension")
      call = candidate.get();
  if (!call) return Error{"invalid_state", "the agent is not on a call"};
  std::string failure;
  auto destination = resolve(supervisor_extension, std::string(), failure);
  if (!destination || destination->kind != Destination::Kind::extension)
    return Error{"invalid", "the supervisor's extension cannot be reached"};
  const auto before = call->callees.size();
  if (!dial(*call, *destination, "monitor") || call->callees.size() == before)
    return Error{"unavailable", "the supervisor's phone is not registered"};
  // Every contact of the supervisor's extension rings; the one answering joins.
  const auto id = "m" + std::to_string(call->callees.back()->id);
  for (auto i = before; i < call->callees.size(); ++i) {
    call->callees[i]->monitor_mode = mode;
    call->callees[i]->monitor_id = id;
  }
  event(*call, "monitor_dialing",
        {{"monitor", id},
         {"agent", agent_extension},
         {"supervisor", supervisor_extension},
         {"mode", mode}});
  return MonitorSession{id, call->uuid, agent_extension, supervisor_extension, mode};
}

Leg* CallService::find_monitor(const std::string& id, Call** owner) {
  for (auto& [uuid, call] : calls_)
    for (auto& leg : call->callees)
      if (leg->monitor_id == id && leg->state != LegState::ended) {
        if (owner) *owner = call.get();
        return leg.get();
      }
  return nullptr;
}

Status CallService::set_monitor_mode(const std::string& id, const std::string& mode) {
  const auto wanted = party_mode(mode);
  if (!wanted) return Error{"invalid", "mode must be listen, whisper or barge"};
  Call* call = nullptr;
  Leg* leg = find_monitor(id, &call);
  if (!leg) return Error{"not_found", "no such monitoring session"};
  for (auto& other : call->callees)
    if (other->monitor_id == id) other->monitor_mode = mode;
  if (leg->state == LegState::answered) join_monitor(*call, *leg);
  event(*call, "monitor_mode", {{"monitor", id}, {"mode", mode}});
  return ok_status();
}

Status CallService::end_monitor(const std::string& id) {
  Call* call = nullptr;
  if (!find_monitor(id, &call)) return Error{"not_found", "no such monitoring session"};
  for (auto& leg : call->callees)
    if (leg->monitor_id == id && leg->state != LegState::ended) {
      if (leg->state == LegState::answered) (void)media_.leave_mixer(leg->endpoint.id);
      end_leg(*call, *leg);
    }
  event(*call, "monitor_ended", {{"monitor", id}, {"by", "api"}});
  return ok_status();
}

std::optional<MonitorSession> CallService::monitor_session(const std::string& id) {
  Call* call = nullptr;
  Leg* leg = find_monitor(id, &call);
  if (!leg) return std::nullopt;
  return MonitorSession{
      id,         call->uuid,        call->connected ? call->connected->party : std::string(),
      leg->party, leg->monitor_mode, leg->state == LegState::answered};
}

// The supervisor's phone answered (or the call's mixer was rebuilt): into the mixer, in its mode.
void CallService::join_monitor(Call& call, Leg& leg) {
  if (call.mixer == 0 || !call.connected) return;
  const auto mode = party_mode(leg.monitor_mode).value_or(media::PartyMode::speak_to_none);
  const auto target =
      mode == media::PartyMode::speak_to_one ? call.connected->endpoint.id : media::EndpointId{0};
  (void)media_.leave_mixer(leg.endpoint.id);
  if (auto joined = media_.join_mixer(call.mixer, leg.endpoint.id, mode, target); !joined)
    spdlog::warn("calls: {}: the supervisor cannot join: {}", call.uuid, joined.error().message);
}

void CallService::monitor_answered(Call& call, Leg& leg) {
  for (auto& other : call.callees)
    if (other.get() != &leg && other->monitor_id == leg.monitor_id &&
        other->state != LegState::ended)
      end_leg(call, *other);
  join_monitor(call, leg);
  schedule_session_timer(call, leg);
  event(call, "monitor_started", {{"monitor", leg.monitor_id}, {"mode", leg.monitor_mode}});
}

void CallService::monitor_left(Call& call, Leg& leg) {
  (void)media_.leave_mixer(leg.endpoint.id);
  event(call, "monitor_ended", {{"monitor", leg.monitor_id}, {"by", "supervisor"}});
}

}  // namespace hotline::call
