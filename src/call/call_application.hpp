#pragma once
// A call application answers calls itself and talks to the caller: the IVR and the queues (ACD).
// CallService keeps the SIP dialogs and the media of the call; the application decides what the
// caller hears and where the call goes, through CallService's application methods (play,
// record_message, hand_over, pass_to_application, hangup). An application can pass the caller on
// to another (the IVR's queue node to the ACD); the earlier one stays underneath: it hears of
// the call's end and may take the caller back when the agent hangs up first (the survey).
// Every callback runs on the control thread.
#include <string>

#include "common/clock.hpp"
#include "media/media_events.hpp"

namespace hotline::call {

struct ApplicationCall {
  std::string uuid;
  std::string caller;  // calling number (trunk) or extension
  std::string did;     // the public number dialled; empty for internal calls
  std::string target;  // what the route names for the application (a flow name)
  EpochMs offered_at = 0;
};

class CallApplication {
 public:
  virtual ~CallApplication() = default;

  // The caller has been answered and its media is ready.
  virtual void call_started(const ApplicationCall& call) = 0;
  // A key the caller pressed while with the application (RFC 4733, SIP INFO or in-band).
  virtual void digit_received(const std::string& uuid, char digit) = 0;
  // The prompt started by play() ended: played out, or stopped by a digit (`barged_in`).
  virtual void playback_finished(const std::string& uuid, media::PlaybackId playback,
                                 bool barged_in) = 0;
  // The voice message started by record_message() is on disk (or failed: done.error).
  virtual void message_recorded(const std::string& uuid, const media::RecordingFinished& done) = 0;
  // hand_over() could not reach its target (busy, no answer, no route): the caller is back
  // with the application, hearing silence.
  virtual void hand_over_failed(const std::string& uuid, const std::string& cause) = 0;
  // hand_over()'s target answered and is now talking with the caller.
  virtual void hand_over_answered(const std::string& uuid, const std::string& party) {
    (void)uuid;
    (void)party;
  }
  // The party the caller was handed over to hung up first. Return true to take the caller
  // back (the satisfaction survey). False: this application is done with the call; the one
  // underneath (if any) is asked next and this one hears no more of it, else the call ends and
  // this one gets call_ended().
  virtual bool agent_hung_up(const std::string& uuid, const std::string& agent) = 0;
  // The call is over (the caller hung up, or it was ended); nothing more arrives for it.
  virtual void call_ended(const std::string& uuid) = 0;
};

}  // namespace hotline::call
