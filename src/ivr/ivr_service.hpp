#pragma once
// The IVR runtime: the call application behind inbound routes of type "ivr". One
// FlowInterpreter per call; this class carries out its effects with the call model (prompts,
// keys, hand-over, hang-up), the speech synthesizer, the data sources and the database, and
// feeds the results back. Runs on the control thread; slow work (database, HTTP, speech) runs
// elsewhere and posts back. Also takes the caller back for the satisfaction survey when the
// agent hangs up first, and answers the test code ("*77" + flow id, internal phones only) with
// the flow's test version.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "call/call_application.hpp"
#include "call/call_service.hpp"
#include "common/config.hpp"
#include "common/event_bus.hpp"
#include "common/metrics.hpp"
#include "common/secret_box.hpp"
#include "ivr/flow_interpreter.hpp"
#include "ivr/ivr_catalog.hpp"
#include "media/media_engine.hpp"
#include "media/speech_synthesizer.hpp"
#include "store/database.hpp"

namespace hotline::ivr {

// Hands a caller to ACD (the queue node). Returns false when the queue cannot take it.
using QueueHandoff = std::function<bool(const std::string& uuid, const std::string& queue,
                                        int priority, const nlohmann::json& context)>;

class IvrService : public call::CallApplication, public FlowEnvironment {
 public:
  IvrService(const Config& config, store::Database& db, const SecretBox& secrets,
             call::CallService& calls, media::MediaEngine& media, media::SpeechSynthesizer& speech,
             EventBus& events, Metrics& metrics, boost::asio::io_context& control);
  ~IvrService() override;
  IvrService(const IvrService&) = delete;
  IvrService& operator=(const IvrService&) = delete;

  // Control thread: loads the catalog, answers "ivr" routes and the test code from now on and
  // reloads the catalog whenever "ivr.changed" is published.
  Status start();
  void set_queue_handoff(QueueHandoff handoff) { queue_handoff_ = std::move(handoff); }
  std::size_t sessions() const { return sessions_.size(); }
  // The catalog in use (control thread).
  const IvrCatalog& catalog() const { return *catalog_; }

  // call::CallApplication (control thread).
  void call_started(const call::ApplicationCall& call) override;
  void digit_received(const std::string& uuid, char digit) override;
  void playback_finished(const std::string& uuid, media::PlaybackId playback,
                         bool barged_in) override;
  void message_recorded(const std::string& uuid, const media::RecordingFinished& done) override;
  void hand_over_failed(const std::string& uuid, const std::string& cause) override;
  bool agent_hung_up(const std::string& uuid, const std::string& agent) override;
  void call_ended(const std::string& uuid) override;

 private:
  struct Session;

  // FlowEnvironment.
  bool calendar_open(const std::string& calendar) override;
  bool validate(const std::string& kind, const std::string& value) override;

  void reload();
  void warm_speech(const IvrCatalog& catalog);
  Session* find(const std::string& uuid);
  void start_test(Session& session);
  void begin(Session& session, std::shared_ptr<const Flow> flow, const std::string& node = {});
  void execute(Session& session, Effects effects);
  void play(Session& session, Token token, const PromptList& items, bool interruptible);
  void play_text(Session& session, Token token, const std::string& text, bool interruptible);
  void start_playback(const std::string& uuid, std::uint64_t generation, Token token,
                      bool interruptible, Result<std::vector<media::PlaylistItem>> clips);
  void resolve(const PromptList& items,
               std::function<void(Result<std::vector<media::PlaylistItem>>)> done);
  void start_timer(Session& session, Token token, int ms);
  void query(Session& session, const Query& query);
  void record_message(Session& session, int max_seconds);
  void apologise_and_hang_up(Session& session, const std::string& cause);
  void store_rating(Session& session, Rating rating);
  void store_path(Session& session);
  void record_missed(const Session& session, const std::string& lost_in);
  // The flow name the call's records keep: "test:<name>" for a test call.
  static std::string record_flow_name(const Session& session);
  void close(Session& session);

  const Config& config_;
  store::Database& db_;
  const SecretBox& secrets_;
  call::CallService& calls_;
  media::MediaEngine& media_;
  media::SpeechSynthesizer& speech_;
  EventBus& events_;
  Metrics& metrics_;
  boost::asio::io_context& control_;
  boost::asio::thread_pool workers_{2};  // table lookups, catalog loads
  std::shared_ptr<IvrCatalog> catalog_;
  std::uint64_t requested_generation_ = 0;  // reloads asked for (control thread)
  std::uint64_t installed_generation_ = 0;  // the newest one installed
  EventBus::Subscription changes_;
  QueueHandoff queue_handoff_;
  std::map<std::string, std::unique_ptr<Session>> sessions_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards posted callbacks
};

}  // namespace hotline::ivr
