#pragma once
// Calls and their legs as the control thread keeps them. A call has the caller's leg (the
// dialog that reached us) and callee legs (dialogs we started: several while forking to every
// contact of an extension, one once answered). Media is always anchored: each leg has its own
// endpoint in the media engine, and the call bridges them.
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "media/media_engine.hpp"
#include "sip/sip_messages.hpp"
#include "store/telephony_models.hpp"

namespace hotline::call {

class CallApplication;

enum class LegState { offered, calling, ringing, early, answered, ended };

struct Leg {
  std::uint64_t id = 0;  // ours, unique per daemon run
  sip::DialogId dialog = 0;
  bool inbound = false;              // they sent the INVITE
  std::uint64_t pending_invite = 0;  // inbound: the INVITE transaction still to answer
  std::string role;                  // caller | callee | transfer
  std::string party;                 // number or extension
  std::string kind;                  // trunk | extension
  std::string contact;               // where its requests go ("host:port")
  std::string sip_call_id;
  std::optional<store::Id> trunk_id;
  LegState state = LegState::offered;
  EpochMs started_at = 0;
  std::optional<EpochMs> answered_at;
  std::optional<EpochMs> ended_at;
  int final_status = 0;
  bool acked = false;  // inbound: the ACK for our 2xx arrived
  std::unique_ptr<boost::asio::steady_timer> ack_timer;

  // Media.
  media::EndpointInfo endpoint;
  std::string local_address;  // in our SDP
  media::NegotiatedMedia negotiated;
  bool media_ready = false;   // the peer's address and codec are known
  media::SdpAudio our_offer;  // outbound legs: what we offered
  std::uint64_t sdp_session = 0;
  std::uint64_t sdp_version = 0;
  std::string last_local_sdp;  // what we last sent (answers to refreshes repeat it)
  bool held_by_peer = false;   // the peer sent sendonly/inactive
  std::optional<media::StreamStats> final_stats;

  // The leg's phone is busy with this call (reported to the ACD as extension activity).
  bool engaged = false;

  // A supervisor's phone monitoring the call: the session's id and listen | whisper | barge.
  std::string monitor_id;
  std::string monitor_mode;

  // Session timer (RFC 4028).
  int session_expires = 0;  // 0: no timer on this leg
  bool we_refresh = false;
  std::unique_ptr<boost::asio::steady_timer> session_timer;
};

struct Call {
  std::string uuid;
  store::CallRecord record;
  std::unique_ptr<Leg> caller;
  std::vector<std::unique_ptr<Leg>> callees;  // every leg we started for this call
  Leg* connected = nullptr;                   // the callee bridged to the caller
  media::MixerId mixer = 0;
  media::RecordingId recording = 0;
  bool record_answered = true;
  bool ringback_playing = false;
  bool moh_playing = false;
  bool ending = false;
  std::optional<store::Id> counted_trunk;  // holds a channel of this trunk
  // An operation waiting for a leg we dial: transfer (blind, REFER or API), consult
  // (attended transfer), conference, retrieve (a parked call). Empty: none.
  std::string pending;
  std::string transfer_target;  // the number the pending operation dials
  // Extra headers for the legs the pending operation dials (an agent phone's auto-answer).
  std::vector<std::pair<std::string, std::string>> dial_headers;
  bool keep_caller_audio = false;  // hand-over: no ringback, the application's music goes on
  Leg* transferor = nullptr;       // a REFER's sender, told the outcome by NOTIFY
  Leg* consult = nullptr;          // attended transfer: the party being consulted
  media::MixerId consult_mixer = 0;
  bool conference = false;  // the caller and every answered callee share one mixer
  bool parked = false;
  // A call we placed: the agent's phone (a callee leg) was rung first, then the citizen was
  // dialled as the caller's leg, which is outbound (caller->inbound is false).
  bool originated = false;
  // The application (IVR) that answered the caller: it talks to the caller while no one is
  // connected, and takes the caller back when the agent hangs up first (survey).
  CallApplication* application = nullptr;
  // Applications that passed the caller on (the IVR under the ACD), innermost last.
  std::vector<CallApplication*> earlier_applications;
  bool with_application = false;         // the caller is with the application right now
  media::PlaybackId app_playback = 0;    // the application's prompt playing
  media::RecordingId app_recording = 0;  // a voice message being recorded
  std::unique_ptr<boost::asio::steady_timer> ring_timer;
  std::unique_ptr<boost::asio::steady_timer> limit_timer;
  std::unique_ptr<boost::asio::steady_timer> linger_timer;  // waits for final media stats
  int awaiting_stats = 0;
};

}  // namespace hotline::call
