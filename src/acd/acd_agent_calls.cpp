// What agents do with their calls from the soft phone bar (answer, hold, transfer to a queue or
// an IVR node, ...), and the calls the ACD did not route that keep an agent busy: calls to the
// agent's extension, internal calls, the agent's own outbound calls.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "acd/acd_service.hpp"
#include "acd/acd_service_internals.hpp"

namespace hotline::acd {

namespace {

constexpr std::string_view kQueueTarget = "queue:";
constexpr std::string_view kIvrTarget = "ivr:";

}  // namespace

// The CallService uuid of the agent's call (a callback's engine key is not one).
std::string AcdService::live_call(store::Id agent, const AgentSnapshot& snapshot) const {
  if (const auto on_call = agent_calls_.find(agent); on_call != agent_calls_.end())
    return on_call->second.uuid;
  return snapshot.call;
}

Status AcdService::agent_call_action(store::Id agent, const std::string& action,
                                     const std::string& target) {
  return on_control<Unit>([this, agent, action, target]() -> Status {
    const auto snapshot = engine_.agent(agent);
    if (!snapshot) return Error{"not_found", "no such agent"};
    if (action == "end_wrap_up") {
      if (snapshot->state != AgentState::wrap_up)
        return Error{"invalid_state", "the agent is not in wrap-up"};
      auto ended = engine_.end_wrap_up(agent, now_ms());
      persist_changes();
      route();
      return ended;
    }
    if (action == "answer") return answer_from_browser(agent, *snapshot);
    if (snapshot->state != AgentState::talking || snapshot->call.empty())
      return Error{"invalid_state", "the agent has no call"};
    const std::string uuid = live_call(agent, *snapshot);
    auto& on_call = agent_calls_[agent];
    on_call.uuid = uuid;
    if (action == "hangup") return calls_.hang_up_callee(uuid);
    if (action == "hold" || action == "unhold") {
      auto done = action == "hold" ? calls_.hold(uuid) : calls_.unhold(uuid);
      if (done) {
        on_call.held = action == "hold";
        publish_agent_call(agent, uuid, on_call.held ? "held" : "talking");
      }
      return done;
    }
    if (action == "mute" || action == "unmute") {
      auto done = calls_.mute_callee(uuid, action == "mute");
      if (done) {
        on_call.muted = action == "mute";
        publish_agent_call(agent, uuid, on_call.held ? "held" : "talking");
      }
      return done;
    }
    if (action == "complete_transfer") return calls_.complete_transfer(uuid);
    if (action == "cancel_consult") return calls_.cancel_consult(uuid);
    if (target.empty()) return Error{"invalid", action + " needs a target"};
    if (action == "dtmf") return calls_.send_digits(uuid, target);
    if (action == "transfer") {
      if (target.starts_with(kQueueTarget) || target.starts_with(kIvrTarget))
        return transfer_elsewhere(agent, uuid, target);
      return calls_.blind_transfer(uuid, target);
    }
    if (action == "consult") return calls_.consult(uuid, target);
    if (action == "conference") return calls_.conference(uuid, target);
    return Error{"invalid", "unknown action '" + action + "'"};
  });
}

// The agent answers from the browser: the phone is rung again, asked to answer by itself
// (Call-Info answer-after=0, which most IP phones honour). Other phones of a ring-all stop.
Status AcdService::answer_from_browser(store::Id agent, const AgentSnapshot& snapshot) {
  if (snapshot.state != AgentState::ringing)
    return Error{"invalid_state", "no call is ringing for the agent"};
  const auto found = waiting_.find(snapshot.call);
  const auto info = agents_.find(agent);
  if (found == waiting_.end() || info == agents_.end())
    return Error{"invalid_state", "answer callbacks on the phone"};
  const std::string& extension = info->second.extension;
  if (auto cancelled = calls_.cancel_hand_over(snapshot.call); !cancelled) return cancelled;
  call::HandOverOptions options;
  options.keep_caller_audio = true;
  options.headers = {{"Call-Info", "<sip:" + extension + ">;answer-after=0"}};
  if (auto handed = calls_.hand_over(snapshot.call, extension, options); !handed) {
    offer_failed(*found->second, "unreachable");
    play_music(snapshot.call);
    return handed;
  }
  spdlog::info("acd: {}: agent {} answers from the browser", snapshot.call, agent);
  return ok_status();
}

// A transfer to a queue or an IVR node: the agent's phone is released; the caller, handed back
// to the ACD (agent_hung_up), queues again or goes to the IVR. Only queue calls have the ACD
// underneath to take them back.
Status AcdService::transfer_elsewhere(store::Id agent, const std::string& uuid,
                                      const std::string& target) {
  const auto on_call = agent_calls_.find(agent);
  if (on_call == agent_calls_.end() || on_call->second.callback || on_call->second.queue.empty())
    return Error{"invalid_state", "only a queue call can be transferred to a queue or the IVR"};
  if (target.starts_with(kQueueTarget)) {
    const std::string queue = target.substr(kQueueTarget.size());
    if (!queue_config(queue)) return Error{"not_found", "no queue " + queue};
  } else if (target.size() == kIvrTarget.size()) {
    return Error{"invalid", "name the IVR flow"};
  }
  transfers_[uuid] = target;
  if (auto released = calls_.hang_up_callee(uuid); !released) {
    transfers_.erase(uuid);
    return released;
  }
  spdlog::info("acd: {}: agent {} transfers the caller to {}", uuid, agent, target);
  return ok_status();
}

// agent_hung_up after transfer_elsewhere: the agent's wrap-up starts and the caller is taken
// back, to queue again (with the priority and IVR context it had) or to go to the IVR.
bool AcdService::take_back_transferred(const std::string& uuid, store::Id agent) {
  const auto found = transfers_.find(uuid);
  if (found == transfers_.end()) return false;
  const std::string target = found->second;
  transfers_.erase(found);
  AgentCall on_call;
  if (const auto known = agent_calls_.find(agent); known != agent_calls_.end())
    on_call = known->second;
  agent_call_over(agent, now_ms());
  // After CallService has finished releasing the agent's leg.
  boost::asio::post(control_, [this, uuid, target, on_call, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.lock()) return;
    if (target.starts_with(kIvrTarget)) {
      if (auto passed = calls_.pass_to_application(uuid, "ivr", target.substr(kIvrTarget.size()));
          !passed) {
        spdlog::warn("acd: {}: cannot transfer to {}: {}", uuid, target, passed.error().message);
        (void)calls_.hangup(uuid, "transfer_failed");
      }
      return;
    }
    call::ApplicationCall call;
    call.uuid = uuid;
    call.caller = on_call.caller;
    call.did = on_call.did;
    call.offered_at = now_ms();
    admit(call, target.substr(kQueueTarget.size()), on_call.priority, on_call.context);
  });
  return true;
}

// CallService saw an agent's phone busy or free on a call.
void AcdService::extension_activity(const call::ExtensionActivity& activity) {
  const auto agent = agent_by_extension(activity.extension);
  if (!agent) return;
  const auto snapshot = engine_.agent(*agent);
  if (!snapshot) return;
  const auto on_call = agent_calls_.find(*agent);
  const bool acd_call = snapshot->call == activity.uuid ||
                        (on_call != agent_calls_.end() && on_call->second.uuid == activity.uuid);
  const auto now = now_ms();
  if (activity.busy) {
    if (acd_call || waiting_.contains(activity.uuid)) return;  // the ACD's own call
    if (snapshot->state != AgentState::ready && snapshot->state != AgentState::not_ready &&
        snapshot->state != AgentState::wrap_up)
      return;
    agent_calls_.erase(*agent);
    if (engine_.direct_call_started(*agent, activity.uuid, "direct", now)) {
      persist_changes();
      publish_agent_call(*agent, activity.uuid, "talking");
    }
    return;
  }
  if (!acd_call || snapshot->state != AgentState::talking) return;
  publish_agent_call(*agent, activity.uuid, "ended");
  if (snapshot->reason == "direct" || snapshot->reason == "outbound") {
    if (engine_.direct_call_ended(*agent, snapshot->call, now)) {
      persist_changes();
      route();
    }
    return;
  }
  // The agent's phone left a queue call that goes on (a transfer to another phone).
  if (!transfers_.contains(activity.uuid)) agent_call_over(*agent, now);
}

void AcdService::publish_agent_call(store::Id agent, const std::string& uuid,
                                    const std::string& state) {
  const auto on_call = agent_calls_.find(agent);
  const bool muted = state != "ended" && on_call != agent_calls_.end() && on_call->second.muted;
  events_.publish({"agent.call", {{"call", uuid}, {"state", state}, {"muted", muted}}, "", agent});
}

}  // namespace hotline::acd
