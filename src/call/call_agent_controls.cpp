// CallService's operations for the agent's soft phone bar: the agent's side hangs up (the caller
// goes on to the survey), mutes, and sends keys to the caller.
#include "call/call_service.hpp"

namespace hotline::call {

Status CallService::hang_up_callee(const std::string& uuid) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->connected || call->ending) return Error{"invalid_state", "no one is connected"};
  Leg& leg = *call->connected;
  event(*call, "callee_released", {{"party", leg.party}});
  end_leg(*call, leg);
  // On a call we placed, the agent is the record's caller.
  if (!callee_left(*call, leg))
    end_call(*call, "answered", "agent_hangup", call->originated ? "caller" : "callee");
  return ok_status();
}

Status CallService::mute_callee(const std::string& uuid, bool muted) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->connected || call->ending || call->mixer == 0)
    return Error{"invalid_state", "no one is connected"};
  auto changed = media_.set_party_mode(
      call->mixer, call->connected->endpoint.id,
      muted ? media::PartyMode::speak_to_none : media::PartyMode::speak_to_all);
  if (!changed) return changed;
  event(*call, muted ? "muted" : "unmuted", {{"party", call->connected->party}});
  return ok_status();
}

Status CallService::send_digits(const std::string& uuid, const std::string& digits) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (call->ending || !call->caller) return Error{"invalid_state", "the call is ending"};
  if (digits.empty() || digits.size() > 32 ||
      digits.find_first_not_of("0123456789*#ABCD") != std::string::npos)
    return Error{"invalid", "digits must be 1 to 32 of 0-9 * # A-D"};
  return media_.send_dtmf(call->caller->endpoint.id, digits);
}

}  // namespace hotline::call
