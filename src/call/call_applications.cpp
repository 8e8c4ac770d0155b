// CallService's side of call applications (the IVR): answering the caller for the
// application, passing it the caller's keys and prompt ends, and the operations it uses.
#include <spdlog/spdlog.h>

#include <filesystem>

#include "call/call_service.hpp"

namespace hotline::call {

void CallService::register_application(const std::string& kind, CallApplication& application) {
  applications_[kind] = &application;
}

void CallService::register_internal_code(const std::string& prefix, const std::string& kind,
                                         const std::string& target_prefix) {
  internal_codes_.push_back({prefix, kind, target_prefix});
}

void CallService::start_application(Call& call, const Destination& destination) {
  call.application = destination.application;
  call.with_application = true;
  event(call, "application", {{"target", destination.target}});
  answer_caller(call);
  call.record.answered_at = call.caller->answered_at;
  writer_.update(call.record);
  publish(call, "answered");
  destination.application->call_started(ApplicationCall{
      call.uuid, call.record.caller, call.record.did, destination.target, call.record.offered_at});
}

// The agent hung up first on a plain two-party call: an application may take the caller back
// (the satisfaction survey) instead of ending the call. The innermost application is asked
// first; one that declines is done with the call and the one underneath is asked. The last one
// asked stays the call's application, so it hears of the call's end.
bool CallService::application_takes_back(Call& call, Leg& leg) {
  if (!call.application || !call.pending.empty() || call.consult || call.conference) return false;
  call.connected = nullptr;
  if (call.mixer) {
    (void)media_.destroy_mixer(call.mixer);
    call.mixer = 0;
  }
  call.with_application = true;
  for (;;) {
    if (call.application->agent_hung_up(call.uuid, leg.party)) {
      event(call, "agent_left", {{"party", leg.party}});
      return true;
    }
    if (call.earlier_applications.empty()) break;
    call.application = call.earlier_applications.back();
    call.earlier_applications.pop_back();
  }
  call.with_application = false;
  return false;
}

void CallService::application_event(Call& call, const media::MediaEvent& media_event) {
  if (!call.with_application || call.ending) return;
  if (const auto* digit = std::get_if<media::DtmfReceived>(&media_event)) {
    if (digit->endpoint != call.caller->endpoint.id) return;
    call.application->digit_received(call.uuid, digit->digit);
    return;
  }
  if (const auto* finished = std::get_if<media::PlaybackFinished>(&media_event)) {
    if (finished->playback == 0 || finished->playback != call.app_playback) return;
    call.app_playback = 0;
    call.application->playback_finished(call.uuid, finished->playback,
                                        finished->reason == media::PlaybackEnd::barged_in);
  }
}

Result<media::PlaybackId> CallService::play(const std::string& uuid, media::PlayRequest request) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->with_application || call->ending)
    return Error{"invalid_state", "the caller is not with an application"};
  auto playback = media_.play(call->caller->endpoint.id, std::move(request));
  if (playback) call->app_playback = *playback;
  return playback;
}

Status CallService::stop_playback(const std::string& uuid) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->with_application || call->app_playback == 0) return ok_status();
  call->app_playback = 0;
  return media_.stop_playback(call->caller->endpoint.id);
}

Status CallService::record_message(const std::string& uuid, const std::string& path) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->with_application || call->ending || call->app_recording)
    return Error{"invalid_state", "the caller is not with an application"};
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return Error{"io_error", "cannot create the message directory: " + ec.message()};
  media::RecordingRequest request;
  request.left = call->caller->endpoint.id;
  request.right = 0;
  request.path = path;
  request.compress_to = config_.calls.recording_format == "wav" ? media::RecordingFormat::wav
                                                                : media::RecordingFormat::mp3;
  auto recording = media_.start_recording(request);
  if (!recording) return recording.error();
  call->app_recording = *recording;
  message_recordings_[*recording] = {call->uuid, call->application};
  event(*call, "message_started", nlohmann::json::object());
  return ok_status();
}

Status CallService::stop_message(const std::string& uuid) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (call->app_recording == 0) return ok_status();
  const auto recording = std::exchange(call->app_recording, 0);
  return media_.stop_recording(recording);
}

Status CallService::hand_over(const std::string& uuid, const std::string& target,
                              const HandOverOptions& options) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (!call->with_application || call->ending || !call->pending.empty())
    return Error{"invalid_state", "the caller is not with an application"};
  if (!options.keep_caller_audio) {
    if (call->app_playback) (void)media_.stop_playback(call->caller->endpoint.id);
    call->app_playback = 0;
    play_ringback(*call);
  }
  call->dial_headers = options.headers;
  call->keep_caller_audio = options.keep_caller_audio;
  if (auto dialled = dial_for(*call, "hand_over", target); !dialled) {
    call->dial_headers.clear();
    call->keep_caller_audio = false;
    if (!options.keep_caller_audio) stop_caller_tones(*call);
    return dialled;
  }
  // Ring-all: the other targets are dialled into the same pending hand-over; one that cannot
  // be reached is left out.
  for (const auto& other : options.also) {
    std::string failure;
    const std::string caller_extension =
        call->caller->kind == "extension" ? call->caller->party : std::string();
    if (auto destination = resolve(other, caller_extension, failure);
        !destination || !dial(*call, *destination, "hand_over"))
      spdlog::info("calls: {}: {} left out of the hand-over ({})", uuid, other,
                   failure.empty() ? "unreachable" : failure);
  }
  event(*call, "hand_over", {{"to", target}});
  return ok_status();
}

Status CallService::cancel_hand_over(const std::string& uuid) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  if (call->pending != "hand_over") return Error{"invalid_state", "no hand-over in progress"};
  for (auto& leg : call->callees)
    if (leg->role == "hand_over" && leg->state != LegState::ended &&
        leg->state != LegState::answered)
      end_leg(*call, *leg);
  call->pending.clear();
  call->transfer_target.clear();
  call->dial_headers.clear();
  call->keep_caller_audio = false;
  if (call->ringback_playing) stop_caller_tones(*call);
  event(*call, "hand_over_cancelled", nlohmann::json::object());
  return ok_status();
}

Status CallService::pass_to_application(const std::string& uuid, const std::string& kind,
                                        const std::string& target) {
  auto* call = find_call(uuid);
  if (!call) return Error{"not_found", "no such call"};
  const auto found = applications_.find(kind);
  if (found == applications_.end()) return Error{"not_found", "no application " + kind};
  if (!call->with_application || call->ending || !call->pending.empty())
    return Error{"invalid_state", "the caller is not with an application"};
  if (call->app_playback) (void)media_.stop_playback(call->caller->endpoint.id);
  call->app_playback = 0;
  if (call->application) call->earlier_applications.push_back(call->application);
  call->application = found->second;
  event(*call, "application", {{"kind", kind}, {"target", target}});
  found->second->call_started(ApplicationCall{call->uuid, call->record.caller, call->record.did,
                                              target, call->record.offered_at});
  return ok_status();
}

}  // namespace hotline::call
