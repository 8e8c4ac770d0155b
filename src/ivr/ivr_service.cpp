#include "ivr/ivr_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <charconv>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <mutex>

#include "common/masking.hpp"
#include "ivr/id_number.hpp"
#include "ivr/speech_template.hpp"
#include "store/call_ivr_repository.hpp"
#include "store/missed_call_repository.hpp"
#include "store/sip_credential_repository.hpp"
#include "store/survey_repository.hpp"
#include "store/voice_message_repository.hpp"

namespace hotline::ivr {

namespace {

// Spoken when the flow cannot go on (no published flow, a hand-over failed, a result that
// cannot be worded): never silence.
constexpr const char* kSorryUnavailable = "抱歉，系统暂时无法为您服务，请稍后再拨。再见。";
constexpr const char* kSorryTransfer = "抱歉，暂时无法为您转接，请稍后再拨。再见。";
constexpr const char* kSorryResult = "抱歉，查询结果暂时无法播报。";
// Fine around the 200 ms a back-office answer typically takes, so a p99 can be read off it.
const std::vector<double> kQueryBuckets = {0.05, 0.1, 0.15, 0.2, 0.21, 0.22, 0.23, 0.25, 0.3,
                                           0.4,  0.5, 0.75, 1,   2,    3,    5,    10};

media::ToneSpec message_beep() {
  media::ToneSpec beep;
  beep.frequencies_hz = {1000, 0};
  return beep;
}

std::string message_path(const std::string& data_dir, const std::string& uuid, EpochMs at) {
  const std::time_t seconds = static_cast<std::time_t>(at / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char day[16];
  std::strftime(day, sizeof day, "%Y/%m/%d", &local);
  return (std::filesystem::path(data_dir) / "messages" / day / (uuid + ".wav")).string();
}

}  // namespace

struct IvrService::Session {
  call::ApplicationCall call;
  std::unique_ptr<FlowInterpreter> interpreter;
  std::string flow_name;  // the flow the call entered (kept through goto_flow)
  long long flow_version = 0;
  // A test call ("*77" + flow id from an internal phone): runs the flow's test version; its
  // record says so and is never counted as self-service; no survey rating is stored.
  bool test = false;
  nlohmann::json main_path;  // the main flow's path once the survey replaced its interpreter
  std::string main_outcome;
  std::string sealed_id;  // an ID number the caller keyed, encrypted

  Token play_token = 0;               // the interpreter's playback in progress, 0 for none
  std::uint64_t play_generation = 0;  // a playback still being prepared is dropped when stale
  media::PlaybackId playback = 0;
  Token say_token = 0;  // a Say's token, reported like a playback
  std::map<Token, std::unique_ptr<boost::asio::steady_timer>> timers;
  int flow_jumps = 0;

  bool recording = false;        // a voice message is being recorded
  bool message_pending = false;  // its file has not been reported yet
  EpochMs message_started = 0;
  std::unique_ptr<boost::asio::steady_timer> message_timer;

  std::string agent;  // the agent who hung up first (survey)
  bool survey = false;
  bool resumed = false;  // back from an agent or a queue (a transfer to an IVR node)
  bool ended = false;    // the call is over; only the message may still arrive
  bool closing = false;  // the flow ended the call itself
};

IvrService::IvrService(const Config& config, store::Database& db, const SecretBox& secrets,
                       call::CallService& calls, media::MediaEngine& media,
                       media::SpeechSynthesizer& speech, EventBus& events, Metrics& metrics,
                       boost::asio::io_context& control)
    : config_(config),
      db_(db),
      secrets_(secrets),
      calls_(calls),
      media_(media),
      speech_(speech),
      events_(events),
      metrics_(metrics),
      control_(control),
      catalog_(std::make_shared<IvrCatalog>()) {
  metrics_.describe("hotline_ivr_sessions", "gauge", "Callers in IVR flows");
  metrics_.describe("hotline_ivr_calls_total", "counter", "IVR calls ended, by outcome");
  metrics_.describe("hotline_ivr_queries_total", "counter",
                    "Self-service queries, by data source and outcome");
  metrics_.describe("hotline_ivr_query_seconds", "histogram", "Self-service query latency");
}

IvrService::~IvrService() {
  *alive_ = false;
  workers_.join();
}

Status IvrService::start() {
  auto loaded = load_ivr_catalog(db_, secrets_, workers_);
  if (!loaded) return loaded.error();
  catalog_ = std::move(*loaded);
  for (const auto& problem : catalog_->problems) spdlog::warn("ivr: {}", problem);
  warm_speech(*catalog_);
  calls_.register_application("ivr", *this);
  calls_.register_internal_code(std::string(kTestCodePrefix), "ivr",
                                std::string(kTestTargetPrefix));
  changes_ = events_.subscribe([this, alive = std::weak_ptr<bool>(alive_)](const Event& event) {
    if (event.type != "ivr.changed") return;
    boost::asio::post(control_, [this, alive] {
      if (alive.lock()) reload();
    });
  });
  spdlog::info("ivr: {} published flows, {} test versions, {} calendars, {} data sources",
               catalog_->flows.size(), catalog_->test_flows.size(), catalog_->calendars.size(),
               catalog_->sources.size());
  return ok_status();
}

// Loads run on two workers and may finish out of order: a catalog read before a newer change
// must never replace the one read after it, so only a later request's catalog is installed.
void IvrService::reload() {
  const auto generation = ++requested_generation_;
  boost::asio::post(workers_, [this, generation, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.lock()) return;
    auto loaded = load_ivr_catalog(db_, secrets_, workers_);
    boost::asio::post(control_, [this, generation, alive, loaded = std::move(loaded)]() mutable {
      if (!alive.lock() || generation <= installed_generation_) return;
      installed_generation_ = generation;
      if (!loaded) {
        spdlog::error("ivr: cannot reload flows: {}", loaded.error().message);
        return;
      }
      catalog_ = std::move(*loaded);
      for (const auto& problem : catalog_->problems) spdlog::warn("ivr: {}", problem);
      warm_speech(*catalog_);
      spdlog::info("ivr: reloaded, {} published flows, {} test versions", catalog_->flows.size(),
                   catalog_->test_flows.size());
    });
  });
}

// Speech for every text a published flow (or a test version) says is made ahead, so the first
// caller does not wait for the synthesizer.
void IvrService::warm_speech(const IvrCatalog& catalog) {
  auto warm = [this](const PromptList& items) {
    for (const auto& item : items)
      if (item.kind == PromptItem::Kind::text) speech_.synthesize(item.value, [](auto) {});
  };
  std::vector<const Flow*> flows;
  for (const auto& [name, flow] : catalog.flows) flows.push_back(flow.get());
  for (const auto& [id, flow] : catalog.test_flows) flows.push_back(flow.get());
  for (const Flow* flow : flows) {
    for (const auto& [id, node] : flow->nodes) {
      std::visit(
          [&](const auto& params) {
            if constexpr (requires { params.prompts; }) warm(params.prompts);
            if constexpr (requires { params.invalid_prompts; }) warm(params.invalid_prompts);
            if constexpr (requires { params.timeout_prompts; }) warm(params.timeout_prompts);
            if constexpr (requires { params.retry_prompts; }) warm(params.retry_prompts);
          },
          node.params);
    }
  }
  for (const auto& [name, prompt] : catalog.prompts)
    if (prompt.kind == "tts" && !prompt.text.empty()) speech_.synthesize(prompt.text, [](auto) {});
}

bool IvrService::calendar_open(const std::string& calendar) {
  const auto found = catalog_->calendars.find(calendar);
  if (found == catalog_->calendars.end()) {
    // A flow naming a calendar that does not exist sends callers to the open branch, where the
    // agents are, rather than shutting them out.
    spdlog::warn("ivr: no working calendar named {}; treated as open", calendar);
    return true;
  }
  return found->second.is_open(now_ms());
}

bool IvrService::validate(const std::string& kind, const std::string& value) {
  if (kind == "id_number") return check_id_number(value).ok();
  spdlog::warn("ivr: unknown input validation {}", kind);
  return false;
}

IvrService::Session* IvrService::find(const std::string& uuid) {
  const auto found = sessions_.find(uuid);
  return found == sessions_.end() ? nullptr : found->second.get();
}

// ---------------------------------------------------------------------------------------------
// Calls

void IvrService::call_started(const call::ApplicationCall& call) {
  // "<flow>#<node>": an agent's transfer to a node of a flow (or a queue's overflow to take a
  // message) starts there.
  const auto hash = call.target.find('#');
  const std::string flow_name = call.target.substr(0, hash);
  const std::string node = hash == std::string::npos ? "" : call.target.substr(hash + 1);
  if (auto* earlier = find(call.uuid); earlier && !earlier->ended) {
    // The caller comes back from an agent or a queue: the path so far is kept as the main one,
    // like before a survey, and the new flow's path follows it.
    if (earlier->interpreter) {
      earlier->main_path = earlier->interpreter->path_log();
      earlier->main_outcome = earlier->interpreter->outcome();
    }
    earlier->timers.clear();
    earlier->closing = false;
    earlier->survey = false;
    earlier->resumed = true;
    const auto found = catalog_->flows.find(flow_name);
    if (found == catalog_->flows.end()) return apologise_and_hang_up(*earlier, "flow_unavailable");
    return begin(*earlier, found->second, node);
  }
  auto session = std::make_unique<Session>();
  session->call = call;
  session->flow_name = flow_name;
  Session& s = *session;
  sessions_[call.uuid] = std::move(session);
  metrics_.gauge_set("hotline_ivr_sessions", {}, static_cast<double>(sessions_.size()));
  if (call.target.starts_with(kTestTargetPrefix)) return start_test(s);
  const auto found = catalog_->flows.find(flow_name);
  if (found == catalog_->flows.end()) {
    spdlog::error("ivr: {}: flow {} has no published version", call.uuid, flow_name);
    return apologise_and_hang_up(s, "flow_unavailable");
  }
  s.flow_version = found->second->version;
  begin(s, found->second, node);
}

// "test:<flow id>" from an internal phone: the flow's test version. Anything else after the
// prefix (not a number, no such flow, no test version) gets the same apology as a flow without
// a published version.
void IvrService::start_test(Session& session) {
  session.test = true;
  const std::string_view id_text =
      std::string_view(session.call.target).substr(kTestTargetPrefix.size());
  store::Id flow_id = 0;
  const auto [end, error] =
      std::from_chars(id_text.data(), id_text.data() + id_text.size(), flow_id);
  const auto found = error == std::errc() && end == id_text.data() + id_text.size()
                         ? catalog_->test_flows.find(flow_id)
                         : catalog_->test_flows.end();
  if (found == catalog_->test_flows.end()) {
    spdlog::info("ivr: {}: {} has no test version", session.call.uuid, session.call.target);
    return apologise_and_hang_up(session, "flow_unavailable");
  }
  spdlog::info("ivr: {}: test call of flow {} from {}", session.call.uuid, found->second->name,
               session.call.caller);
  session.flow_name = found->second->name;
  session.flow_version = 0;
  begin(session, found->second);
}

void IvrService::begin(Session& session, std::shared_ptr<const Flow> flow,
                       const std::string& node) {
  session.interpreter = std::make_unique<FlowInterpreter>(std::move(flow), *this);
  session.interpreter->set_variable("caller", session.call.caller);
  session.interpreter->set_variable("did", session.call.did);
  execute(session, session.interpreter->start(node));
}

void IvrService::digit_received(const std::string& uuid, char digit) {
  auto* s = find(uuid);
  if (!s || s->ended || !s->interpreter) return;
  if (s->recording) {
    if (digit == '#') (void)calls_.stop_message(uuid);  // '#' ends the message early
    return;
  }
  execute(*s, s->interpreter->digit(digit));
}

void IvrService::playback_finished(const std::string& uuid, media::PlaybackId playback,
                                   bool barged_in) {
  auto* s = find(uuid);
  if (!s || s->ended || playback != s->playback) return;
  s->playback = 0;
  // A key that stopped the prompt reaches the interpreter as the key itself.
  if (barged_in) return;
  const Token token = std::exchange(s->play_token, 0);
  if (s->closing) return (void)calls_.hangup(uuid, "ivr_unavailable");
  if (token != 0 && s->interpreter) execute(*s, s->interpreter->playback_finished(token));
}

void IvrService::message_recorded(const std::string& uuid, const media::RecordingFinished& done) {
  auto* s = find(uuid);
  if (!s) return;
  s->recording = false;
  s->message_pending = false;
  if (s->message_timer) s->message_timer->cancel();
  const int seconds = static_cast<int>(done.duration_ms / 1000);
  if (!done.error.empty()) {
    spdlog::error("ivr: {}: voice message not recorded: {}", uuid, done.error);
  } else {
    store::VoiceMessage message;
    message.caller = s->call.caller;
    message.flow = record_flow_name(*s);
    message.file = std::filesystem::path(done.file_path)
                       .lexically_relative(std::filesystem::path(config_.data_dir))
                       .string();
    message.duration_ms = static_cast<std::int64_t>(done.duration_ms);
    calls_.write_for_call(uuid, [message](store::Database& db, store::Id call_id) mutable {
      message.call_id = call_id;
      auto id = store::VoiceMessageRepository(db).create(message);
      if (!id) return Status(id.error());
      return ok_status();
    });
    events_.publish({"message.created",
                     {{"call_uuid", uuid}, {"duration_ms", done.duration_ms}},
                     "messages.read"});
    if (!s->test) record_missed(*s, "message");
  }
  if (s->ended) return close(*s);
  if (s->interpreter) execute(*s, s->interpreter->message_finished(seconds));
}

void IvrService::hand_over_failed(const std::string& uuid, const std::string& cause) {
  auto* s = find(uuid);
  if (!s || s->ended) return;
  spdlog::info("ivr: {}: hand-over failed ({})", uuid, cause);
  s->closing = true;
  play_text(*s, 0, kSorryTransfer, false);
}

bool IvrService::agent_hung_up(const std::string& uuid, const std::string& agent) {
  auto* s = find(uuid);
  if (!s || s->ended || config_.ivr.survey_flow.empty()) return false;
  const auto survey = catalog_->flows.find(config_.ivr.survey_flow);
  if (survey == catalog_->flows.end()) return false;
  // The main flow's record is complete; the survey's path is added beside it.
  if (s->interpreter) {
    s->main_path = s->interpreter->path_log();
    s->main_outcome = s->interpreter->outcome();
  }
  s->agent = agent;
  s->survey = true;
  s->closing = false;
  s->timers.clear();
  begin(*s, survey->second);
  return true;
}

void IvrService::call_ended(const std::string& uuid) {
  auto* s = find(uuid);
  if (!s) return;
  s->ended = true;
  s->timers.clear();
  if (s->interpreter) {
    // Only what must be stored still matters (a survey not answered is "not rated").
    for (auto& effect : s->interpreter->caller_hung_up())
      if (auto* rate = std::get_if<Rate>(&effect)) store_rating(*s, rate->rating);
  }
  if (s->message_pending) return;  // closed when the message file is reported
  close(*s);
}

void IvrService::close(Session& session) {
  store_path(session);
  const std::string outcome =
      session.test     ? "test"
      : session.survey ? session.main_outcome
                       : (session.interpreter ? session.interpreter->outcome() : "failed");
  metrics_.counter_add("hotline_ivr_calls_total",
                       {{"outcome", outcome.empty() ? "ended" : outcome}});
  if (outcome == "abandoned") record_missed(session, "ivr");
  sessions_.erase(session.call.uuid);  // `session` is gone after this line
  metrics_.gauge_set("hotline_ivr_sessions", {}, static_cast<double>(sessions_.size()));
}

// A caller the hotline did not serve (hung up in the IVR, or left a message) joins the missed-call
// list (漏话) for agents to call back.
void IvrService::record_missed(const Session& session, const std::string& lost_in) {
  store::MissedCall missed;
  missed.call_uuid = session.call.uuid;
  missed.number = session.call.caller;
  missed.lost_in = lost_in;
  missed.occurred_at = now_ms();
  missed.wait_ms = missed.occurred_at - session.call.offered_at;
  calls_.write_for_call(session.call.uuid,
                        [missed, &events = events_](store::Database& db, store::Id) -> Status {
                          auto id = store::MissedCallRepository(db).create(missed);
                          if (!id) return id.error();
                          events.publish({"missed.created",
                                          {{"id", *id},
                                           {"number", mask_phone_number(missed.number)},
                                           {"lost_in", missed.lost_in},
                                           {"queue", ""},
                                           {"wait_seconds", missed.wait_ms / 1000}},
                                          "missed.read"});
                          return ok_status();
                        });
}

// ---------------------------------------------------------------------------------------------
// Effects

void IvrService::execute(Session& session, Effects effects) {
  const std::string uuid = session.call.uuid;
  for (auto& effect : effects) {
    // An effect (a hang-up) can end the session: look it up again each time.
    Session* s = find(uuid);
    if (!s || s->ended) return;
    std::visit(
        [&](auto& e) {
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, Play>) {
            play(*s, e.token, e.items, e.interruptible_by_digits);
          } else if constexpr (std::is_same_v<E, StopPlayback>) {
            if (s->play_token == e.token) {
              s->play_token = 0;
              ++s->play_generation;
              if (s->playback) (void)calls_.stop_playback(uuid);
              s->playback = 0;
            }
          } else if constexpr (std::is_same_v<E, StartTimer>) {
            start_timer(*s, e.token, e.ms);
          } else if constexpr (std::is_same_v<E, CancelTimer>) {
            s->timers.erase(e.token);
          } else if constexpr (std::is_same_v<E, Query>) {
            query(*s, e);
          } else if constexpr (std::is_same_v<E, Say>) {
            auto text = render_speech_template(e.text, e.fields);
            if (!text) {
              spdlog::warn("ivr: {}: cannot word the result: {}", uuid, text.error().message);
              play_text(*s, e.token, kSorryResult, false);
            } else {
              play_text(*s, e.token, *text, e.interruptible_by_digits);
            }
          } else if constexpr (std::is_same_v<E, RecordMessage>) {
            record_message(*s, e.max_seconds);
          } else if constexpr (std::is_same_v<E, Rate>) {
            store_rating(*s, e.rating);
          } else if constexpr (std::is_same_v<E, ToQueue>) {
            store_path(*s);
            if (!queue_handoff_ || !queue_handoff_(uuid, e.queue, e.priority, e.context)) {
              spdlog::warn("ivr: {}: queue {} cannot take calls", uuid, e.queue);
              apologise_and_hang_up(*s, "queue_unavailable");
            }
          } else if constexpr (std::is_same_v<E, Transfer>) {
            store_path(*s);
            if (auto handed = calls_.hand_over(uuid, e.target); !handed) {
              spdlog::warn("ivr: {}: cannot transfer to {}: {}", uuid, e.target,
                           handed.error().message);
              apologise_and_hang_up(*s, "transfer_failed");
            }
          } else if constexpr (std::is_same_v<E, GotoFlow>) {
            const auto found = catalog_->flows.find(e.name);
            if (found == catalog_->flows.end() || ++s->flow_jumps > config_.ivr.max_flow_jumps) {
              spdlog::warn("ivr: {}: cannot go to flow {}", uuid, e.name);
              execute(*s, s->interpreter->goto_flow_failed());
            } else {
              execute(*s, s->interpreter->switch_flow(found->second));
            }
          } else if constexpr (std::is_same_v<E, Hangup>) {
            s->closing = true;
            (void)calls_.hangup(uuid, "ivr_" + e.cause);
          }
        },
        effect);
  }
}

void IvrService::play(Session& session, Token token, const PromptList& items, bool interruptible) {
  session.play_token = token;
  session.playback = 0;
  const auto generation = ++session.play_generation;
  const std::string uuid = session.call.uuid;
  resolve(items, [this, uuid, generation, token, interruptible,
                  alive = std::weak_ptr<bool>(alive_)](auto clips) mutable {
    boost::asio::post(control_, [this, uuid, generation, token, interruptible, alive,
                                 clips = std::move(clips)]() mutable {
      if (alive.lock()) start_playback(uuid, generation, token, interruptible, std::move(clips));
    });
  });
}

void IvrService::play_text(Session& session, Token token, const std::string& text,
                           bool interruptible) {
  play(session, token, {PromptItem{PromptItem::Kind::text, text}}, interruptible);
}

void IvrService::start_playback(const std::string& uuid, std::uint64_t generation, Token token,
                                bool interruptible,
                                Result<std::vector<media::PlaylistItem>> clips) {
  auto* s = find(uuid);
  if (!s || s->ended || s->play_generation != generation) return;
  Result<media::PlaybackId> playback = Error{"prompt", "no prompt"};
  if (!clips) {
    spdlog::error("ivr: {}: prompt unavailable: {}", uuid, clips.error().message);
  } else {
    media::PlayRequest request;
    request.items = std::move(*clips);
    request.barge_in = interruptible;
    playback = calls_.play(uuid, std::move(request));
  }
  if (playback) {
    s->playback = *playback;
    return;
  }
  // Nothing can be played: go on as if it had been heard, never leave the caller waiting.
  s->play_token = 0;
  if (s->closing) return (void)calls_.hangup(uuid, "ivr_unavailable");
  if (token != 0 && s->interpreter) execute(*s, s->interpreter->playback_finished(token));
}

// Turns prompt items into clips: recorded prompts from the engine's cache (loaded from the
// data dir), text and TTS prompts from the synthesizer (which caches). `done` runs on any
// thread, once.
void IvrService::resolve(const PromptList& items,
                         std::function<void(Result<std::vector<media::PlaylistItem>>)> done) {
  struct Gather {
    std::mutex mutex;
    std::vector<media::PlaylistItem> clips;
    std::size_t remaining = 0;
    std::optional<Error> error;
    std::function<void(Result<std::vector<media::PlaylistItem>>)> done;
  };
  auto gather = std::make_shared<Gather>();
  gather->clips.resize(items.size());
  gather->remaining = items.size();
  gather->done = std::move(done);
  auto settle = [gather](std::size_t index, Result<media::AudioClipPtr> clip) {
    std::unique_lock lock(gather->mutex);
    if (clip)
      gather->clips[index] = media::PlaylistItem::of_clip(*clip);
    else if (!gather->error)
      gather->error = clip.error();
    if (--gather->remaining != 0) return;
    lock.unlock();
    if (gather->error)
      gather->done(*gather->error);
    else
      gather->done(std::move(gather->clips));
  };
  if (items.empty()) return gather->done(std::vector<media::PlaylistItem>{});
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    std::string text = item.value;
    if (item.kind == PromptItem::Kind::prompt) {
      const auto prompt = catalog_->prompts.find(item.value);
      if (prompt == catalog_->prompts.end()) {
        settle(i, Error{"prompt_missing", "no prompt named " + item.value});
        continue;
      }
      if (prompt->second.kind == "audio") {
        const auto path = std::filesystem::path(config_.data_dir) / prompt->second.file;
        settle(i, media_.prompts().get(path.string()));
        continue;
      }
      text = prompt->second.text;
    }
    speech_.synthesize(
        text, [settle, i](Result<media::AudioClipPtr> clip) { settle(i, std::move(clip)); });
  }
}

void IvrService::start_timer(Session& session, Token token, int ms) {
  auto timer = std::make_unique<boost::asio::steady_timer>(control_);
  timer->expires_after(std::chrono::milliseconds(ms));
  const std::string uuid = session.call.uuid;
  timer->async_wait([this, uuid, token](const boost::system::error_code& ec) {
    if (ec) return;
    auto* s = find(uuid);
    if (!s || s->ended || !s->interpreter || s->timers.erase(token) == 0) return;
    execute(*s, s->interpreter->timer_fired(token));
  });
  session.timers[token] = std::move(timer);
}

void IvrService::query(Session& session, const Query& query) {
  const std::string uuid = session.call.uuid;
  const Token token = query.token;
  const std::string source_name = query.source;
  auto finish = [this, uuid, token, source_name,
                 alive = std::weak_ptr<bool>(alive_)](QueryResult result) {
    boost::asio::post(
        control_, [this, uuid, token, source_name, alive, result = std::move(result)] {
          if (!alive.lock()) return;
          const std::string outcome(to_string(result.outcome));
          metrics_.counter_add("hotline_ivr_queries_total",
                               {{"source", source_name}, {"outcome", outcome}});
          metrics_.histogram_observe("hotline_ivr_query_seconds", {{"source", source_name}},
                                     result.elapsed_ms / 1000.0, kQueryBuckets);
          if (result.outcome == QueryResult::Outcome::error)
            spdlog::warn("ivr: {}: query {} failed: {} {}", uuid, source_name, result.error_code,
                         result.error_detail);
          auto* s = find(uuid);
          if (!s || s->ended || !s->interpreter) return;
          QueryOutcome answer;
          answer.token = token;
          answer.kind = result.outcome == QueryResult::Outcome::found ? QueryOutcome::Kind::found
                        : result.outcome == QueryResult::Outcome::not_found
                            ? QueryOutcome::Kind::not_found
                            : QueryOutcome::Kind::error;
          answer.fields = result.fields;
          execute(*s, s->interpreter->query_finished(answer));
        });
  };
  const auto source = catalog_->sources.find(query.source);
  if (source == catalog_->sources.end()) {
    QueryResult missing;
    missing.error_code = "unavailable";
    missing.error_detail = "no enabled data source named " + query.source;
    return finish(std::move(missing));
  }
  // The source is kept alive by the query even if the catalog is reloaded meanwhile.
  auto keep = source->second;
  keep->query(query.params, [keep, finish](QueryResult result) { finish(std::move(result)); });
}

void IvrService::record_message(Session& session, int max_seconds) {
  const std::string uuid = session.call.uuid;
  const auto path = message_path(config_.data_dir, uuid, now_ms());
  media::PlayRequest beep;
  beep.items.push_back(media::PlaylistItem::of_tone(message_beep(), 400));
  (void)calls_.play(uuid, std::move(beep));  // its end is not the interpreter's business
  if (auto started = calls_.record_message(uuid, path); !started) {
    spdlog::error("ivr: {}: cannot record a message: {}", uuid, started.error().message);
    if (session.interpreter) execute(session, session.interpreter->message_finished(0));
    return;
  }
  session.recording = true;
  session.message_pending = true;
  session.message_started = now_ms();
  session.message_timer = std::make_unique<boost::asio::steady_timer>(control_);
  session.message_timer->expires_after(std::chrono::seconds(max_seconds));
  session.message_timer->async_wait([this, uuid](const boost::system::error_code& ec) {
    if (!ec) (void)calls_.stop_message(uuid);
  });
}

void IvrService::apologise_and_hang_up(Session& session, const std::string& cause) {
  spdlog::info("ivr: {}: ending the call ({})", session.call.uuid, cause);
  session.closing = true;
  play_text(session, 0, kSorryUnavailable, false);
}

void IvrService::store_rating(Session& session, Rating rating) {
  // Only the survey after an agent hung up counts, and never on a test call.
  if (!session.survey || session.test) return;
  store::SurveyRating stored;
  stored.agent_extension = session.agent;
  stored.rating = std::string(to_string(rating));
  calls_.write_for_call(
      session.call.uuid, [stored](store::Database& db, store::Id call_id) mutable {
        stored.call_id = call_id;
        if (!stored.agent_extension.empty()) {
          if (auto agent = store::SipCredentialRepository(db).find_active(stored.agent_extension);
              agent && *agent)
            stored.agent_user_id = (*agent)->user_id;
        }
        auto id = store::SurveyRepository(db).record(stored);
        if (!id) return Status(id.error());
        return ok_status();
      });
  events_.publish({"survey.rated",
                   {{"call_uuid", session.call.uuid}, {"rating", stored.rating}},
                   "calls.read"});
}

// The IVR part of the call record: written when the caller leaves the flow (to a queue or an
// agent: the screen pop reads it) and again when the call ends.
void IvrService::store_path(Session& session) {
  if (!session.interpreter) return;
  store::CallIvr record;
  record.flow = record_flow_name(session);
  if (!session.test) record.flow_version = static_cast<int>(session.flow_version);
  nlohmann::json path =
      session.survey || session.resumed ? session.main_path : session.interpreter->path_log();
  if (session.survey) path["survey"] = session.interpreter->path_log();
  if (session.resumed && !session.survey) path["after_agent"] = session.interpreter->path_log();
  record.outcome = session.survey ? session.main_outcome : session.interpreter->outcome();
  if (record.outcome.empty()) record.outcome = "in_progress";
  record.self_served = record.outcome == "self_served";
  if (session.test) {
    // Reports group by outcome and count self_served: a test call is neither. What the flow
    // would have ended as stays readable in the path ("outcome").
    path["test"] = true;
    record.outcome = "test";
    record.self_served = false;
  }
  record.path = path.dump();
  if (!session.survey) {
    for (const auto& [name, value] : session.interpreter->sensitive_variables()) {
      if (name == "id_number" && value.is_string())
        session.sealed_id = secrets_.encrypt(value.get<std::string>());
    }
  }
  record.id_sealed = session.sealed_id;
  calls_.write_for_call(session.call.uuid,
                        [record](store::Database& db, store::Id call_id) mutable {
                          record.call_id = call_id;
                          return store::CallIvrRepository(db).upsert(record);
                        });
}

std::string IvrService::record_flow_name(const Session& session) {
  return session.test ? std::string(kTestTargetPrefix) + session.flow_name : session.flow_name;
}

}  // namespace hotline::ivr
