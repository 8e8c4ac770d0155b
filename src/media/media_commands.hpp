#pragma once
// Commands from the control side to a media worker (internal to the engine). Applied at the
// start of the worker's next tick, in the order they were posted.
#include <memory>
#include <string>
#include <variant>

#include "media/audio_mixer.hpp"
#include "media/media_events.hpp"
#include "media/player.hpp"
#include "media/recording_sink.hpp"
#include "media/remote_media.hpp"
#include "media/rtp_session.hpp"

namespace hotline::media {

struct AddEndpointCommand {
  std::unique_ptr<RtpSession> session;
};
struct SetRemoteCommand {
  EndpointId endpoint = 0;
  RemoteMedia remote;
};
struct PlayCommand {
  EndpointId endpoint = 0;
  PlaybackId playback = 0;
  PlayRequest request;
};
struct StopPlaybackCommand {
  EndpointId endpoint = 0;
};
struct StartRecordingCommand {
  std::shared_ptr<RecordingSink> sink;
};
struct StopRecordingCommand {
  RecordingId recording = 0;
};
struct CreateMixerCommand {
  MixerId mixer = 0;
};
// Joins, or changes the mode of a party already in the mixer.
struct JoinMixerCommand {
  MixerId mixer = 0;
  EndpointId endpoint = 0;
  PartyMode mode = PartyMode::speak_to_all;
  EndpointId target = 0;
};
struct LeaveMixerCommand {
  EndpointId endpoint = 0;
};
struct DestroyMixerCommand {
  MixerId mixer = 0;
};
struct SendDtmfCommand {
  EndpointId endpoint = 0;
  std::string digits;
  int duration_ms = 100;
  int pause_ms = 60;
};
struct InjectDtmfCommand {
  EndpointId endpoint = 0;
  char digit = 0;
  int duration_ms = 0;
};
struct DestroyEndpointCommand {
  EndpointId endpoint = 0;
};

using MediaCommand =
    std::variant<AddEndpointCommand, SetRemoteCommand, PlayCommand, StopPlaybackCommand,
                 StartRecordingCommand, StopRecordingCommand, CreateMixerCommand, JoinMixerCommand,
                 LeaveMixerCommand, DestroyMixerCommand, SendDtmfCommand, InjectDtmfCommand,
                 DestroyEndpointCommand>;

}  // namespace hotline::media
