#pragma once
// The ACD at work on live calls (control thread): callers handed over by the IVR's queue node
// (or routed straight to a queue) wait here hearing music and announcements of their position
// and predicted wait; the routing engine (acd_engine.hpp) picks agents; the agent's phone is
// rung with the caller kept on music; ring timeouts, wrap-ups, overflow and abandoned calls are
// handled here. Agents' states are persisted (agent_states + agent_events) and published on the
// event bus, queue visits and missed calls are written off the control thread, in order.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "acd/acd_engine.hpp"
#include "acd/queue_audio.hpp"
#include "call/call_application.hpp"
#include "call/call_service.hpp"
#include "common/config.hpp"
#include "common/event_bus.hpp"
#include "common/metrics.hpp"
#include "store/acd_models.hpp"
#include "store/database.hpp"

namespace hotline::acd {

struct AgentInfo {
  store::Id id = 0;
  std::string username;
  std::string display_name;
  std::string extension;
  std::optional<store::Id> org_unit_id;
};

// What screens show of an agent.
struct AgentView {
  AgentInfo info;
  AgentSnapshot state;
  std::string call_queue;  // the queue of the call the agent is ringing / talking / wrapping up
  std::string call_caller;
  std::string call_uuid;       // the call to show (a callback: the call it was asked in)
  bool call_callback = false;  // a callback the queue offers
  EpochMs logged_in_at = 0;
};

// Today's figures of a queue (from local midnight), kept from its closed visits.
struct QueueDay {
  int entered = 0;
  int answered = 0;
  int abandoned = 0;
  int overflowed = 0;
  int within_15s = 0;
  int within_20s = 0;
  int within_service_level = 0;  // answered within the queue's service_level_seconds
};

struct QueueView {
  store::Queue config;
  QueueSnapshot live;
  QueueDay day;
  // Answered within the service level / (answered + abandoned); nullopt before the first.
  std::optional<double> service_level_pct() const;
  // Answered within 15 s / 20 s (the national standard's and the contract's) per handled call.
  std::optional<double> within_15s_pct() const;
  std::optional<double> within_20s_pct() const;
  bool breached() const;
};

// A caller waiting in (or just offered from) a queue, for the screen pop.
struct QueuedCallView {
  std::string uuid;
  std::string queue;
  std::string caller;
  std::string did;
  EpochMs entered_at = 0;
  nlohmann::json context;  // what the IVR handed over (path, keyed digits)
  std::vector<store::Id> offered_to;
};

class AcdService : public call::CallApplication {
 public:
  AcdService(const Config& config, store::Database& db, call::CallService& calls, QueueAudio& audio,
             EventBus& events, Metrics& metrics, boost::asio::io_context& control);
  ~AcdService() override;
  AcdService(const AcdService&) = delete;
  AcdService& operator=(const AcdService&) = delete;

  // Control thread: loads queues, agents and their states, answers "queue" routes and the
  // IVR's queue node from now on, reloads on "acd.changed" and "user.*" events.
  Status start();

  // The IVR's queue node (control thread). False when the queue does not exist, is disabled or
  // full: the IVR then apologises.
  bool enqueue_from_ivr(const std::string& uuid, const std::string& queue, int priority,
                        const nlohmann::json& context);

  // --- From any thread (the API): run on the control thread and wait for the answer ---
  Result<AgentView> request_state(store::Id agent, const std::string& state,
                                  const std::string& reason, std::optional<store::Id> by);
  // answer | hangup | hold | unhold | mute | unmute | transfer | consult | complete_transfer |
  // cancel_consult | conference | dtmf | end_wrap_up, on the agent's current call. A transfer's
  // target is an extension or number, "queue:<name>" or "ivr:<flow>[#<node>]".
  Status agent_call_action(store::Id agent, const std::string& action, const std::string& target);
  // Click-to-dial (the soft phone bar, a missed call's callback): the agent's phone rings
  // (answering by itself where it supports auto-answer), then `number` is dialled as if from
  // the agent's extension. The agent is talking ("outbound") until the call ends. With
  // `missed_call`, the missed call is in progress, and called back once answered. Errors:
  // "invalid_state" (logged out, ringing or on a call), "forbidden", "unavailable", "not_found".
  Result<std::string> dial(store::Id agent, const std::string& number,
                           std::optional<store::Id> missed_call);
  Result<std::vector<AgentView>> agents();
  Result<std::optional<AgentView>> agent(store::Id id);
  Result<std::vector<QueueView>> queues();
  Result<std::optional<QueuedCallView>> queued_call(const std::string& uuid);
  // Supervision of an agent's live call from the supervisor's own phone (CallService::monitor).
  Result<call::MonitorSession> monitor(store::Id agent, store::Id supervisor,
                                       const std::string& mode);
  Status set_monitor_mode(const std::string& id, const std::string& mode);
  Status end_monitor(const std::string& id);
  Result<std::optional<call::MonitorSession>> monitor_session(const std::string& id);

  // call::CallApplication (control thread).
  void call_started(const call::ApplicationCall& call) override;
  void digit_received(const std::string& uuid, char digit) override;
  void playback_finished(const std::string& uuid, media::PlaybackId playback,
                         bool barged_in) override;
  void message_recorded(const std::string& uuid, const media::RecordingFinished& done) override;
  void hand_over_failed(const std::string& uuid, const std::string& cause) override;
  void hand_over_answered(const std::string& uuid, const std::string& party) override;
  bool agent_hung_up(const std::string& uuid, const std::string& agent) override;
  void call_ended(const std::string& uuid) override;

 private:
  struct Waiting;
  struct Loaded;

  template <typename T>
  Result<T> on_control(std::function<Result<T>()> work);

  // Configuration.
  void reload();
  void apply(std::shared_ptr<Loaded> loaded);
  const store::Queue* queue_config(const std::string& name) const;
  std::optional<store::Id> agent_by_extension(const std::string& extension) const;

  // Callers.
  void admit(const call::ApplicationCall& call, std::string queue, int priority,
             nlohmann::json context);
  void announce(Waiting& waiting, bool first);
  void play_music(const std::string& uuid);
  std::string announcement_text(const Waiting& waiting, bool first) const;
  void route();
  void offer(const Offer& offer);
  void ring_timeout(const std::string& uuid);
  void offer_failed(Waiting& waiting, const std::string& reason);
  void leave(const std::string& uuid, const std::string& outcome, std::optional<store::Id> agent,
             EpochMs now);
  void overflow(const std::string& uuid);
  void record_missed(const Waiting& waiting, const std::string& lost_in, EpochMs now);
  void store_missed(store::MissedCall missed);  // written off the control thread, then published
  // A missed call being called back: in_progress, then called_back (by `agent`).
  void follow_up_missed(store::Id id, const std::string& status, store::Id agent);

  // Callbacks (acd_callbacks.cpp): the caller keeps their place and hangs up; an agent offered
  // the callback is rung, then the caller's number is dialled.
  struct PendingCallback {
    std::shared_ptr<store::Id> id = std::make_shared<store::Id>(0);  // filled by the writer
    std::string uuid;                                                // the call it was asked in
    std::string queue;
    std::string number;
    EpochMs place_at = 0;
    std::vector<store::Id> ringing;  // agents offered it
    std::string live_uuid;           // the call dialling it
  };
  bool request_callback(const std::string& uuid, const std::string& why);
  void farewell(const std::string& uuid);  // "we will call you back", then hang up
  void track_callback(PendingCallback callback, int priority);
  void offer_callback(PendingCallback& callback, const Offer& offer);
  void callback_progress(const std::string& key, const call::OriginateProgress& progress);
  void restore_callbacks();
  void dial_progress(store::Id agent, std::optional<store::Id> missed,
                     const call::OriginateProgress& progress);

  // Agents' calls (acd_agent_calls.cpp).
  std::string live_call(store::Id agent, const AgentSnapshot& snapshot) const;
  Status answer_from_browser(store::Id agent, const AgentSnapshot& snapshot);
  Status transfer_elsewhere(store::Id agent, const std::string& uuid, const std::string& target);
  bool take_back_transferred(const std::string& uuid, store::Id agent);
  void extension_activity(const call::ExtensionActivity& activity);
  void publish_agent_call(store::Id agent, const std::string& uuid, const std::string& state);

  // Agents.
  void agent_call_over(store::Id agent, EpochMs now);
  void persist_changes();
  void publish_agent(store::Id agent);
  AgentView view_of(const AgentSnapshot& snapshot) const;

  // Time.
  void schedule_tick();
  void tick();
  void publish_queue(const std::string& name);
  void roll_day(EpochMs now);

  const Config& config_;
  store::Database& db_;
  call::CallService& calls_;
  QueueAudio& audio_;
  EventBus& events_;
  Metrics& metrics_;
  boost::asio::io_context& control_;
  boost::asio::thread_pool writer_{1};  // database writes, in the order they were made
  boost::asio::thread_pool loader_{1};  // configuration reloads
  AcdEngine engine_;
  std::map<std::string, store::Queue> queues_;
  std::map<store::Id, AgentInfo> agents_;
  std::map<std::string, store::Id> extensions_;  // extension -> agent
  std::map<store::Id, EpochMs> logged_in_at_;
  std::map<store::Id, EpochMs> state_since_;  // when each agent's current state began
  // What a queue call is known by, from its entry into the queue to the agent's wrap-up.
  struct QueueCaller {
    std::string uuid;
    std::string queue;
    std::string caller;
    std::string did;
    int priority = 0;
    nlohmann::json context;  // what the IVR handed over (path, keyed digits)
  };
  struct AgentCall : QueueCaller {
    bool callback = false;
    bool held = false;
    bool muted = false;
  };
  std::map<store::Id, AgentCall> agent_calls_;          // talking or wrapping up a queue call
  std::map<std::string, PendingCallback> callbacks_;    // engine key "callback:<uuid>" ->
  std::map<std::string, media::PlaybackId> farewells_;  // callers told they will be called back
  // Agents' transfers to a queue or an IVR node, until the agent's phone is released.
  std::map<std::string, std::string> transfers_;
  std::map<std::string, std::unique_ptr<Waiting>> waiting_;
  std::map<std::string, std::pair<int, nlohmann::json>>
      handed_from_ivr_;  // uuid -> priority, context
  std::map<std::string, QueueDay> days_;
  std::set<std::string> changed_queues_;  // to publish on the next tick
  std::set<std::string> breached_;        // queues whose breach was announced
  EpochMs day_start_ = 0;
  std::unique_ptr<boost::asio::steady_timer> ticker_;
  EventBus::Subscription changes_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace hotline::acd
