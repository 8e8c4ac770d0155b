// Calls the hotline places itself: click-to-dial and the queues' callbacks. The agent's phone is
// rung first; when it answers, the citizen is dialled and becomes the call's caller leg (an
// outbound one), so everything the soft phone bar does to "the caller" (hold, transfer,
// conference, monitoring, recording) works as on an inbound call. Also the extension activity
// that lets the ACD see agents busy on calls it did not route.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "call/call_service.hpp"
#include "call/leg_media.hpp"
#include "call/sip_outcome.hpp"
#include "common/masking.hpp"
#include "common/random.hpp"
#include "store/sip_binding_repository.hpp"

namespace hotline::call {

Result<std::string> CallService::originate(const OriginateRequest& request,
                                           OriginateObserver observer) {
  if (shutting_down_) return Error{"invalid_state", "shutting down"};
  std::string failure;
  auto destination = resolve(request.number, request.extension, failure);
  if (!destination) return Error{"forbidden", "no route or outbound rule allows this number"};
  if (destination->kind == Destination::Kind::application)
    return Error{"invalid", "the number leads to a self-service line, not a phone"};
  if (destination->kind == Destination::Kind::trunk && trunk_full(destination->outbound.trunk->id))
    return Error{"unavailable", "trunk channels full"};
  store::SipBindingRepository bindings(db_);
  const auto now = now_ms();
  // The agents' registered phones, first the one asked for.
  std::vector<std::string> extensions{request.extension};
  extensions.insert(extensions.end(), request.also.begin(), request.also.end());
  std::vector<std::pair<std::string, store::SipBinding>> phones;
  for (const auto& extension : extensions) {
    auto active = bindings.active(extension, now);
    if (!active) return active.error();
    for (auto& binding : *active) phones.emplace_back(extension, std::move(binding));
  }
  if (phones.empty())
    return Error{"unavailable", "the phone of " + request.extension + " is not registered"};

  store::CallRecord record;
  record.uuid = random_token(12);
  record.offered_at = now;
  record.caller = request.extension;
  record.callee = request.number;
  record.direction = destination->kind == Destination::Kind::trunk ? "outbound" : "internal";
  record.route = "originate -> " + destination->route;
  record.answered_by = request.extension;
  if (destination->kind == Destination::Kind::trunk) {
    record.trunk_id = destination->outbound.trunk->id;
    record.trunk_name = destination->outbound.trunk->name;
  }
  metrics_.counter_add("hotline_calls_total", {{"direction", record.direction}});
  spdlog::info("calls: {} originated: {} -> {}", record.uuid, request.extension,
               mask_phone_number(request.number));
  Call& call = new_call(std::move(record));
  call.originated = true;
  call.record_answered = destination->record;
  event(call, "originate", {{"agent", request.extension}, {"number", request.number}});

  // The agent's phone: every registered contact rings, the first to answer takes it. It
  // shows the number about to be dialled.
  Leg* first = nullptr;
  for (const auto& [extension, binding] : phones) {
    auto target = sip::parse_source(binding.source, binding.transport);
    if (!target) continue;
    if (auto* leg = start_leg(call, "agent", extension, "extension", binding.contact_uri, *target,
                              request.number, std::nullopt, request.agent_headers);
        leg && !first)
      first = leg;
  }
  if (!first) {  // the error answers the request: no progress is reported
    end_call(call, "failed", "no_reachable_contact", "system");
    return Error{"unavailable", "the phone of " + request.extension + " cannot be reached"};
  }
  originations_[call.uuid] = {*destination, std::move(observer), first};
  arm_ring_timer(call, request.agent_ring_seconds > 0 ? request.agent_ring_seconds
                                                      : config_.calls.ring_timeout_seconds);
  publish(call, "ringing");
  return call.uuid;
}

void CallService::arm_ring_timer(Call& call, int seconds) {
  call.ring_timer = std::make_unique<boost::asio::steady_timer>(control_);
  call.ring_timer->expires_after(std::chrono::seconds(seconds));
  call.ring_timer->async_wait([this, uuid = call.uuid](const boost::system::error_code& ec) {
    if (ec) return;
    auto* c = find_call(uuid);
    if (c && !c->connected && !c->ending) end_call(*c, "no_answer", "ring_timeout", "system", 480);
  });
}

void CallService::on_origin_agent_response(Call& call, Leg& leg,
                                           const sip::DialogResponse& response) {
  const auto found = originations_.find(call.uuid);
  if (found == originations_.end()) return;
  auto& origination = found->second;
  if (response.status < 200) {
    if (leg.state == LegState::calling) leg.state = LegState::ringing;
    if (!call.record.ringing_at) {
      call.record.ringing_at = now_ms();
      event(call, "ringing", {{"party", leg.party}, {"status", response.status}});
    }
    return;
  }
  if (response.status >= 300) {
    on_leg_failed(call, leg, response);      // closes the leg; ends nothing for an agent's leg
    if (call.ending || call.caller) return;  // another phone has answered
    for (const auto& other : call.callees)
      if (other->role == "agent" && other->state != LegState::ended) return;  // still ringing
    return end_call(call, disposition_for(response.status),
                    cause_text(response.status, response.phrase), "caller");
  }
  if (leg.state == LegState::answered) return;  // the answer to our refresh
  if (call.caller) {                            // another contact answered first
    leg.state = LegState::answered;
    return end_leg(call, leg);
  }
  if (!take_originated_answer(call, leg, response, "caller")) return;
  origination.agent = &leg;
  call.record.answered_by = leg.party;  // ring-all: whoever answered
  engage(call, leg);
  for (auto& other : call.callees)
    if (other.get() != &leg && other->role == "agent" && other->state != LegState::ended)
      end_leg(call, *other);
  event(call, "agent_answered", {{"party", leg.party}});
  if (call.ring_timer) call.ring_timer->cancel();

  // Now the citizen: dialled like a callee, then moved to the caller's place.
  const auto callees_before = call.callees.size();
  if (!dial(call, origination.destination, "caller") || call.callees.size() == callees_before)
    return end_call(call, "failed", "no_reachable_destination", "system");
  // An extension with several phones: the first one dialled is the caller's leg, the others
  // are not rung (the model has one caller leg).
  for (auto i = callees_before; i + 1 < call.callees.size(); ++i) end_leg(call, *call.callees[i]);
  call.caller = std::move(call.callees.back());
  call.callees.pop_back();
  call.caller->party = call.record.callee;
  report_origination(call, OriginateProgress::Stage::agent_answered);
  // The agent hears ringback until the citizen's side sends early media or answers.
  media::PlayRequest ringback;
  ringback.items.push_back(media::PlaylistItem::of_tone(media::tones::ringback()));
  (void)media_.play(leg.endpoint.id, std::move(ringback));
  arm_ring_timer(call, config_.calls.ring_timeout_seconds);
  publish(call, "ringing");
}

void CallService::on_dialled_party_response(Call& call, Leg& leg,
                                            const sip::DialogResponse& response) {
  const auto found = originations_.find(call.uuid);
  Leg* agent = found == originations_.end() ? nullptr : found->second.agent;
  if (response.status < 200) {
    if (leg.state == LegState::calling) leg.state = LegState::ringing;
    // A carrier's announcement ("the number is not in service") is worth hearing.
    if (!response.body.empty() && leg.state != LegState::early && agent && call.mixer == 0 &&
        accept_answer_body(media_, leg, response.body)) {
      leg.state = LegState::early;
      (void)media_.stop_playback(agent->endpoint.id);
      if (auto mixer = media_.bridge(leg.endpoint.id, agent->endpoint.id); mixer)
        call.mixer = *mixer;
      event(call, "early_media", {{"party", leg.party}});
    }
    return;
  }
  if (response.status >= 300) {
    on_leg_failed(call, leg, response);  // closes the leg; the citizen's leg is not a callee
    return end_call(call, disposition_for(response.status),
                    cause_text(response.status, response.phrase), "callee");
  }
  if (leg.state == LegState::answered) return;  // the answer to our refresh
  if (!take_originated_answer(call, leg, response, "callee")) return;
  leg.acked = true;  // we sent the ACK: no caller ACK to wait for
  if (leg.kind == "extension") engage(call, leg);
  if (!agent || agent->state != LegState::answered)
    return end_call(call, "failed", "agent_left", "caller");
  (void)media_.stop_playback(agent->endpoint.id);
  connect(call, *agent);
}

bool CallService::take_originated_answer(Call& call, Leg& leg, const sip::DialogResponse& response,
                                         const char* side) {
  if (auto accepted = accept_answer_body(media_, leg, response.body); !accepted) {
    spdlog::warn("calls: {}: unusable answer from {}: {}", call.uuid, leg.party,
                 accepted.error().message);
    leg.state = LegState::answered;
    leg.final_status = 488;
    end_call(call, "failed", "sdp_not_acceptable", side);
    return false;
  }
  leg.state = LegState::answered;
  leg.answered_at = now_ms();
  leg.final_status = response.status;
  take_timer(leg, response.timer, false, false);
  schedule_session_timer(call, leg);
  return true;
}

void CallService::report_origination(Call& call, OriginateProgress::Stage stage) {
  const auto found = originations_.find(call.uuid);
  if (found == originations_.end()) return;
  OriginateProgress progress;
  progress.uuid = call.uuid;
  progress.stage = stage;
  if (found->second.agent) progress.agent = found->second.agent->party;
  progress.agent_answered = found->second.agent && found->second.agent->answered_at.has_value();
  progress.answered = call.record.answered_at.has_value();
  progress.disposition = call.record.disposition;
  progress.cause = call.record.cause;
  auto observer = found->second.observer;
  if (stage == OriginateProgress::Stage::ended) originations_.erase(found);
  if (observer) boost::asio::post(control_, [observer, progress] { observer(progress); });
}

void CallService::engage(Call& call, Leg& leg) {
  if (leg.engaged || leg.kind != "extension" || leg.role == "monitor") return;
  leg.engaged = true;
  if (extension_observer_)
    boost::asio::post(control_, [observer = extension_observer_,
                                 activity = ExtensionActivity{leg.party, call.uuid, true}] {
      observer(activity);
    });
}

void CallService::release(Call& call, Leg& leg) {
  if (!leg.engaged) return;
  leg.engaged = false;
  if (extension_observer_)
    boost::asio::post(control_, [observer = extension_observer_,
                                 activity = ExtensionActivity{leg.party, call.uuid, false}] {
      observer(activity);
    });
}

}  // namespace hotline::call
