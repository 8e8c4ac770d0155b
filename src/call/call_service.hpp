#pragma once
// The B2BUA. Every call has the caller's dialog and the dialogs we start towards phones or a
// trunk; media is anchored in the media engine and bridged there. Runs on the control thread
// (SIP events, media events, timers and API operations are all posted there), so it has no
// locks. Call records and events are written by CallRecordWriter on its own thread.
//
// Call control operations are methods here, not SIP tricks, so that CTI can call them: hangup,
// hold / unhold (music on hold to the other party), transfers, conference, park, monitoring,
// and calls placed by the hotline itself (originate: click-to-dial, callbacks).
#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "call/call_application.hpp"
#include "call/call_model.hpp"
#include "call/call_record_writer.hpp"
#include "call/routing_table.hpp"
#include "common/config.hpp"
#include "common/event_bus.hpp"
#include "common/metrics.hpp"
#include "common/result.hpp"
#include "common/secret_box.hpp"
#include "media/media_engine.hpp"
#include "sip/call_signal_handler.hpp"
#include "sip/sip_service.hpp"
#include "store/database.hpp"

namespace hotline::call {

// A target as routing resolved it.
struct Destination {
  enum class Kind { extension, trunk, application };
  Kind kind = Kind::extension;
  std::string extension;    // kind == extension
  OutboundChoice outbound;  // kind == trunk
  std::string route;        // description for the call record
  bool record = true;
  CallApplication* application = nullptr;  // kind == application
  std::string target;                      // kind == application: e.g. the IVR flow
};

struct HandOverOptions {
  // The caller keeps hearing what the application plays (music in a queue) instead of ringback.
  bool keep_caller_audio = false;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Call-Info: answer-after=0
  // More targets rung at the same time (a queue's ring-all); the first to answer gets the call.
  std::vector<std::string> also;
};

// A supervisor's phone on an agent's live call.
struct MonitorSession {
  std::string id;
  std::string call_uuid;
  std::string agent_extension;
  std::string supervisor_extension;
  std::string mode;     // listen | whisper | barge
  bool joined = false;  // the supervisor's phone answered
};

// A call control request from the API (CTI later), carried to the control thread.
struct CallAction {
  std::string uuid;
  // hangup | hold | unhold | answer | transfer | consult | complete_transfer | cancel_consult |
  // conference | park | retrieve
  std::string action;
  std::string target;  // transfer, consult, conference, retrieve: a number or extension
};

// A call the hotline places itself (click-to-dial, a queue's callback): the agent's phone is rung
// first; once it answers, `number` is dialled as if that extension had dialled it (so outbound
// rules apply), and the agent hears ringback or the carrier's early media meanwhile.
struct OriginateRequest {
  std::string extension;
  std::vector<std::string> also;  // more agents' phones rung at once (ring-all); first answer wins
  std::string number;
  std::vector<std::pair<std::string, std::string>> agent_headers;  // e.g. auto-answer
  int agent_ring_seconds = 0;                                      // 0: calls.ring_timeout_seconds
};

// How an originated call goes on, reported on the control thread (never from inside the call
// operation that caused it).
struct OriginateProgress {
  enum class Stage { agent_answered, answered, ended };
  std::string uuid;
  Stage stage = Stage::ended;
  std::string agent;            // the extension that answered (before that: the first rung)
  bool agent_answered = false;  // the agent's phone was answered
  bool answered = false;        // the dialled party was answered
  std::string disposition;      // ended: the call record's disposition and cause
  std::string cause;
};
using OriginateObserver = std::function<void(const OriginateProgress&)>;

// An extension's phone became busy with a call (it dialled, or answered one) or free again:
// the ACD marks agents on calls it did not route. Reported on the control thread, after the
// call operation that caused it.
struct ExtensionActivity {
  std::string extension;
  std::string uuid;
  bool busy = false;
};

struct CallSummary {
  std::string uuid;
  std::string direction;
  std::string state;  // ringing | answered | ending
  std::string caller;
  std::string callee;
  EpochMs offered_at = 0;
};

class CallService : public sip::CallSignalHandler {
 public:
  CallService(const Config& config, store::Database& db, const SecretBox& secrets,
              sip::SipService& sip, media::MediaEngine& media, EventBus& events, Metrics& metrics,
              boost::asio::io_context& control);
  ~CallService() override;
  CallService(const CallService&) = delete;
  CallService& operator=(const CallService&) = delete;

  // Control thread: loads the routing tables, closes call records a crash left open, and
  // starts listening for configuration changes.
  Status start();
  // Control thread: ends every call (BYE / CANCEL / 503) before shutdown.
  void shutdown();

  // sip::CallSignalHandler (control thread).
  std::optional<std::int64_t> trunk_for_source(const std::string& host) override;
  void on_invite(const sip::IncomingRequest& request, const sip::CallOrigin& origin) override;
  void on_dialog_request(const sip::IncomingRequest& request) override;
  void on_response(const sip::DialogResponse& response) override;

  // Media engine events (control thread).
  void on_media_event(const media::MediaEvent& event);

  // Call control (control thread). Errors: "not_found", "invalid_state", and for dialling
  // operations "not_found" (no route) or "unavailable".
  Status hangup(const std::string& uuid, const std::string& cause = "api_hangup");
  Status hold(const std::string& uuid);  // the caller hears music on hold
  Status unhold(const std::string& uuid);
  Status answer(const std::string& uuid);  // answer the caller ourselves (IVR)
  Status blind_transfer(const std::string& uuid, const std::string& target);
  // Attended transfer: the caller waits with music on hold while the connected party talks
  // to `target`; complete_transfer hands the caller over, cancel_consult goes back. The
  // connected party hanging up during the consultation completes it too.
  Status consult(const std::string& uuid, const std::string& target);
  Status complete_transfer(const std::string& uuid);
  Status cancel_consult(const std::string& uuid);
  // Three-way call: `target` joins the caller and the connected party.
  Status conference(const std::string& uuid, const std::string& target);
  // The caller waits with music on hold and the connected party is released; retrieve
  // dials `target` and connects it.
  Status park(const std::string& uuid);
  Status retrieve(const std::string& uuid, const std::string& target);
  // Call applications (control thread). Inbound routes whose destination_type is `kind`
  // ("ivr") are answered by `application`; unregistered kinds are refused with 480.
  void register_application(const std::string& kind, CallApplication& application);
  // The soft phone bar: the agent's side hangs up (the caller goes on to the survey, as when the
  // agent's phone hangs up), the caller stops or starts hearing the agent, keys to the caller.
  Status hang_up_callee(const std::string& uuid);
  Status mute_callee(const std::string& uuid, bool muted);
  Status send_digits(const std::string& uuid, const std::string& digits);

  // Supervision: the supervisor's extension is called and joins the live call of the agent on
  // `agent_extension` in `mode` (listen | whisper | barge); the mode changes live.
  Result<MonitorSession> monitor(const std::string& agent_extension,
                                 const std::string& supervisor_extension, const std::string& mode);
  Status set_monitor_mode(const std::string& id, const std::string& mode);
  Status end_monitor(const std::string& id);
  std::optional<MonitorSession> monitor_session(const std::string& id);

  // A feature code only the bureau's own phones may dial: "<prefix><rest>" reaches the
  // application registered as `kind` with target "<target_prefix><rest>" (the IVR's "*77" + a
  // flow id plays that flow's test version). Calls from trunks never match.
  void register_internal_code(const std::string& prefix, const std::string& kind,
                              const std::string& target_prefix);
  // What the caller hears while with its application (replaces the previous prompt).
  Result<media::PlaybackId> play(const std::string& uuid, media::PlayRequest request);
  Status stop_playback(const std::string& uuid);
  // Records the caller (a voice message) into `path`; message_recorded() follows stop_message
  // or the call's end, even after call_ended().
  Status record_message(const std::string& uuid, const std::string& path);
  Status stop_message(const std::string& uuid);
  // Connects the caller to an extension or number (routed like a phone's call); the caller
  // hears ringback meanwhile. On failure the caller is back with the application.
  Status hand_over(const std::string& uuid, const std::string& target,
                   const HandOverOptions& options = {});
  // Stops ringing hand_over()'s target (the ACD's ring timeout): the caller stays with the
  // application, which is not called back (it asked for this).
  Status cancel_hand_over(const std::string& uuid);
  // The application the caller is with passes the caller on to the one registered as `kind`
  // (the IVR's queue node to "queue"); that one gets call_started() with `target`.
  Status pass_to_application(const std::string& uuid, const std::string& kind,
                             const std::string& target);

  // Stores what an application keeps about a call (IVR path, message, rating) with the call's
  // row id, in order with the call's own record. Thread-safe.
  void write_for_call(const std::string& uuid, CallRecordWriter::CallTask task) {
    writer_.run_for_call(uuid, std::move(task));
  }

  // Places a call (control thread); returns its uuid. Errors: "not_found" (no route to the
  // number), "forbidden" (no outbound rule allows it), "unavailable" (the extension has no
  // registered phone, or the trunk is full), "invalid_state" (shutting down).
  Result<std::string> originate(const OriginateRequest& request, OriginateObserver observer);
  void set_extension_observer(std::function<void(const ExtensionActivity&)> observer) {
    extension_observer_ = std::move(observer);
  }

  // Thread-safe: runs one of the operations above on the control thread (5 s at most).
  Status perform(const CallAction& action);
  std::vector<CallSummary> calls() const;
  int active_channels(store::Id trunk_id) const;
  // Blocks until queued call records are written (tests and shutdown).
  void flush_records() { writer_.flush(); }

 private:
  struct LegRef {
    Call* call = nullptr;
    Leg* leg = nullptr;
  };

  void reload_routing();
  std::optional<Destination> route_destination(const store::InboundRoute& route,
                                               std::string& failure);
  void start_application(Call& call, const Destination& destination);
  bool application_takes_back(Call& call, Leg& leg);
  void application_event(Call& call, const media::MediaEvent& event);
  std::optional<Destination> resolve(const std::string& dialled,
                                     const std::string& caller_extension, std::string& failure);
  // Empty, or why a new call must be refused to shed load.
  std::string overload_cause(const sip::IncomingRequest& request, EpochMs now) const;
  void reply(std::uint64_t request_id, int status, std::string phrase = {},
             std::vector<std::pair<std::string, std::string>> headers = {}, std::string body = {});
  void refuse(const sip::IncomingRequest& request, store::CallRecord record, int status,
              const std::string& disposition, const std::string& cause,
              std::vector<std::pair<std::string, std::string>> headers = {});
  Call& new_call(store::CallRecord record);
  bool dial(Call& call, const Destination& destination, const std::string& role);
  Leg* start_leg(Call& call, const std::string& role, const std::string& party,
                 const std::string& kind, const std::string& request_uri,
                 const sip::SourceAddress& destination, const std::string& from_user,
                 std::optional<store::Id> trunk_id,
                 const std::vector<std::pair<std::string, std::string>>& extra_headers = {});
  // Originated calls: the agent's phone answered or failed; the dialled party's leg (the
  // call's caller leg, which we started) rang, answered or failed.
  void on_origin_agent_response(Call& call, Leg& leg, const sip::DialogResponse& response);
  void on_dialled_party_response(Call& call, Leg& leg, const sip::DialogResponse& response);
  // A 2xx on a leg we started: its SDP, the leg answered, its session timer. False when the
  // SDP is unusable: the call is then ended (488 on the leg, hang-up side `side`).
  bool take_originated_answer(Call& call, Leg& leg, const sip::DialogResponse& response,
                              const char* side);
  void report_origination(Call& call, OriginateProgress::Stage stage);
  void arm_ring_timer(Call& call, int seconds);
  // Extension activity: a leg on an extension's phone is busy with the call, or no more.
  void engage(Call& call, Leg& leg);
  void release(Call& call, Leg& leg);
  void on_provisional(Call& call, Leg& leg, const sip::DialogResponse& response);
  void on_answered(Call& call, Leg& leg, const sip::DialogResponse& response);
  void on_leg_failed(Call& call, Leg& leg, const sip::DialogResponse& response);
  void pending_failed(Call& call, int status, const std::string& phrase);
  bool callee_left(Call& call, Leg& leg);
  void join_conference(Call& call, Leg& leg);
  Leg* find_monitor(const std::string& id, Call** owner);
  void join_monitor(Call& call, Leg& leg);
  void monitor_answered(Call& call, Leg& leg);
  void monitor_left(Call& call, Leg& leg);
  Status dial_for(Call& call, const std::string& pending, const std::string& target);
  void answer_caller(Call& call);
  void connect(Call& call, Leg& leg);
  void start_recording(Call& call);
  void attach_recording(store::CallRecord record, const media::RecordingFinished& done,
                        EpochMs started_at);
  void handle_reinvite(Call& call, Leg& leg, const sip::IncomingRequest& request);
  void handle_refer(Call& call, Leg& leg, const sip::IncomingRequest& request);
  void notify_transferor(Call& call, int status, const std::string& phrase, bool final);
  void apply_hold_state(Call& call);
  void play_ringback(Call& call);
  void stop_caller_tones(Call& call);
  void end_call(Call& call, const std::string& disposition, const std::string& cause,
                const std::string& side, int caller_status = 0);
  void end_leg(Call& call, Leg& leg);
  void finish(Call& call);
  void schedule_session_timer(Call& call, Leg& leg);
  std::vector<std::pair<std::string, std::string>> timer_headers(const Leg& leg) const;
  void take_timer(Leg& leg, const sip::SessionTimerHeaders& timer, bool inbound_request,
                  bool peer_supports_timer);
  void event(Call& call, const std::string& type, nlohmann::json detail = nlohmann::json::object());
  void publish(const Call& call, const std::string& state);
  std::optional<LegRef> find(sip::DialogId dialog);
  Call* find_call(const std::string& uuid);
  std::string our_uri(const std::string& user) const;
  void count_channel(Call& call, store::Id trunk_id);
  void release_channel(Call& call);
  bool trunk_full(store::Id trunk_id) const;

  const Config& config_;
  store::Database& db_;
  const SecretBox& secrets_;
  sip::SipService& sip_;
  media::MediaEngine& media_;
  EventBus& events_;
  Metrics& metrics_;
  boost::asio::io_context& control_;
  CallRecordWriter writer_;
  RoutingTable routing_;
  EventBus::Subscription config_changes_;
  std::string media_address_;
  std::string domain_;  // host part of our URIs
  int max_calls_;       // calls in progress before new ones are refused

  std::uint64_t next_leg_ = 1;
  std::map<std::string, std::unique_ptr<Call>> calls_;
  std::unordered_map<sip::DialogId, LegRef> dialogs_;
  std::unordered_map<media::EndpointId, LegRef> endpoints_;
  std::unordered_map<media::RecordingId, store::CallRecord> recordings_;  // awaiting the file
  std::unordered_map<media::RecordingId, EpochMs> recording_started_;
  // Recordings finished before their call record was complete.
  std::unordered_map<media::RecordingId, std::pair<media::RecordingFinished, EpochMs>>
      early_recordings_;
  std::unordered_map<store::Id, int> channels_;           // trunk id -> calls holding a channel
  std::map<std::string, CallApplication*> applications_;  // route destination_type -> app
  struct InternalCode {
    std::string prefix;
    std::string kind;
    std::string target_prefix;
  };
  std::vector<InternalCode> internal_codes_;
  // Voice messages being recorded: the application hears of the file even after the call.
  std::unordered_map<media::RecordingId, std::pair<std::string, CallApplication*>>
      message_recordings_;
  // Originated calls: what to dial once the agent answers, and who hears of the progress.
  struct Origination {
    Destination destination;
    OriginateObserver observer;
    Leg* agent = nullptr;
  };
  std::unordered_map<std::string, Origination> originations_;
  std::function<void(const ExtensionActivity&)> extension_observer_;
  bool shutting_down_ = false;
};

}  // namespace hotline::call
