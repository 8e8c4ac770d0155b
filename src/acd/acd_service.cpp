#include "acd/acd_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <cmath>
#include <ctime>

#include "acd/acd_json.hpp"
#include "acd/acd_service_internals.hpp"
#include "common/masking.hpp"
#include "store/agent_state_repository.hpp"
#include "store/missed_call_repository.hpp"
#include "store/queue_repository.hpp"
#include "store/queue_visit_repository.hpp"
#include "store/user_repository.hpp"

namespace hotline::acd {

namespace {

// Local midnight of the day `now` falls in: the wallboard's counters start there.
EpochMs local_midnight(EpochMs now) {
  const std::time_t seconds = static_cast<std::time_t>(now / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  local.tm_hour = 0;
  local.tm_min = 0;
  local.tm_sec = 0;
  return static_cast<EpochMs>(std::mktime(&local)) * 1000;
}

QueueConfig engine_config(const store::Queue& queue) {
  QueueConfig config;
  config.name = queue.name;
  config.strategy = strategy_from(queue.strategy).value_or(Strategy::longest_idle);
  config.tier_wait_seconds = queue.tier_wait_seconds;
  config.ring_timeout_seconds = queue.ring_timeout_seconds;
  config.wrap_up_seconds = queue.wrap_up_seconds;
  config.max_wait_seconds = queue.max_wait_seconds;
  config.max_length = queue.max_length;
  return config;
}

void count_visit(QueueDay& day, const store::QueueVisit& visit, int service_level_seconds) {
  if (visit.outcome == "answered") {
    ++day.answered;
    if (visit.wait_ms <= 15'000) ++day.within_15s;
    if (visit.wait_ms <= 20'000) ++day.within_20s;
    if (visit.wait_ms <= service_level_seconds * 1000LL) ++day.within_service_level;
  } else if (visit.outcome == "abandoned") {
    ++day.abandoned;
  } else if (visit.outcome == "overflow") {
    ++day.overflowed;
  }
}

// "约三分钟" style wording is left to the speech engine; numbers are written as digits, which
// espeak-ng's Mandarin voice reads as quantities.
std::string minutes_text(int seconds) {
  if (seconds < 60) return "不到1分钟";
  return std::to_string((seconds + 59) / 60) + "分钟";
}

}  // namespace

// What a reload read from the database (off the control thread).
struct AcdService::Loaded {
  std::vector<store::Queue> queues;
  std::vector<store::User> users;
  std::vector<store::AgentStateRecord> states;
  std::vector<store::QueueVisit> today;
};

namespace {

// Per call handled (answered or abandoned) today; nothing before the first.
std::optional<double> share_of_handled(int count, const QueueDay& day) {
  const int handled = day.answered + day.abandoned;
  if (handled == 0) return std::nullopt;
  return 100.0 * count / handled;
}

}  // namespace

std::optional<double> QueueView::service_level_pct() const {
  return share_of_handled(day.within_service_level, day);
}

std::optional<double> QueueView::within_15s_pct() const {
  return share_of_handled(day.within_15s, day);
}

std::optional<double> QueueView::within_20s_pct() const {
  return share_of_handled(day.within_20s, day);
}

bool QueueView::breached() const {
  const auto level = service_level_pct();
  return level && *level < config.service_level_target;
}

AcdService::AcdService(const Config& config, store::Database& db, call::CallService& calls,
                       QueueAudio& audio, EventBus& events, Metrics& metrics,
                       boost::asio::io_context& control)
    : config_(config),
      db_(db),
      calls_(calls),
      audio_(audio),
      events_(events),
      metrics_(metrics),
      control_(control) {}

AcdService::~AcdService() {
  *alive_ = false;
  changes_.reset();
  if (ticker_) ticker_->cancel();
  loader_.join();
  writer_.join();
}

// ---------------------------------------------------------------------------------------------
// Configuration

Status AcdService::start() {
  calls_.register_application("queue", *this);
  day_start_ = local_midnight(now_ms());
  // The first load is synchronous so that calls find their queues from the first second.
  auto loaded = std::make_shared<Loaded>();
  auto queues = store::QueueRepository(db_).list();
  if (!queues) return queues.error();
  auto users = store::UserRepository(db_).list({std::nullopt, std::nullopt, std::nullopt, "active"},
                                               {1, 100000});
  if (!users) return users.error();
  auto states = store::AgentStateRepository(db_).load();
  if (!states) return states.error();
  // Visits a restart cut short are closed first: every visit has exactly one outcome.
  auto closed = store::QueueVisitRepository(db_).close_open(now_ms());
  if (!closed) return closed.error();
  if (*closed > 0) spdlog::info("acd: {} queue visits cut short by a restart closed", *closed);
  auto today = store::QueueVisitRepository(db_).entered_since(day_start_);
  if (!today) return today.error();
  loaded->queues = std::move(*queues);
  loaded->users = std::move(users->items);
  loaded->states = std::move(*states);
  loaded->today = std::move(*today);
  apply(loaded);

  // A restart ends every call: agents who were ringing or talking resume in wrap-up.
  const auto now = now_ms();
  for (const auto& state : loaded->states) {
    if (!agents_.contains(state.user_id)) continue;
    const auto parsed = agent_state_from(state.state).value_or(AgentState::logged_out);
    if (state.logged_in_at) logged_in_at_[state.user_id] = *state.logged_in_at;
    state_since_[state.user_id] = state.since;
    if (parsed == AgentState::ringing || parsed == AgentState::talking)
      (void)engine_.restore(state.user_id, AgentState::wrap_up, "restart", now);
    else
      (void)engine_.restore(state.user_id, parsed, state.reason, state.since);
  }
  for (const auto& visit : loaded->today) {
    const auto* queue = queue_config(visit.queue);
    count_visit(days_[visit.queue], visit, queue ? queue->service_level_seconds : 20);
    ++days_[visit.queue].entered;
  }

  calls_.set_extension_observer(
      [this, alive = std::weak_ptr<bool>(alive_)](const call::ExtensionActivity& activity) {
        if (alive.lock()) extension_activity(activity);
      });
  restore_callbacks();

  changes_ = events_.subscribe([this, alive = std::weak_ptr<bool>(alive_)](const Event& event) {
    if (event.type != "acd.changed" && event.type != "user.created" && event.type != "user.updated")
      return;
    boost::asio::post(control_, [this, alive] {
      if (alive.lock()) reload();
    });
  });
  schedule_tick();
  spdlog::info("acd: {} queues, {} agents", queues_.size(), agents_.size());
  return ok_status();
}

void AcdService::reload() {
  boost::asio::post(loader_, [this, alive = std::weak_ptr<bool>(alive_)] {
    auto loaded = std::make_shared<Loaded>();
    auto queues = store::QueueRepository(db_).list();
    auto users = store::UserRepository(db_).list(
        {std::nullopt, std::nullopt, std::nullopt, "active"}, {1, 100000});
    if (!queues || !users) {
      spdlog::error("acd: cannot reload the configuration: {}",
                    !queues ? queues.error().message : users.error().message);
      return;
    }
    loaded->queues = std::move(*queues);
    loaded->users = std::move(users->items);
    boost::asio::post(control_, [this, alive, loaded] {
      if (!alive.lock()) return;
      apply(loaded);
      route();
    });
  });
}

void AcdService::apply(std::shared_ptr<Loaded> loaded) {
  std::map<std::string, store::Queue> queues;
  for (auto& queue : loaded->queues) {
    if (!queue.enabled) continue;
    engine_.upsert_queue(engine_config(queue));
    queues[queue.name] = queue;
  }
  for (const auto& [name, queue] : queues_) {
    if (queues.contains(name)) continue;
    if (auto removed = engine_.remove_queue(name); !removed) {
      // Callers still wait there: keep serving them with the old settings until it empties.
      spdlog::warn("acd: queue {} removed while calls wait; it drains first", name);
      queues[name] = queue;
    }
  }
  queues_ = std::move(queues);

  std::map<store::Id, std::vector<Membership>> memberships;
  for (const auto& [name, queue] : queues_)
    for (const auto& member : queue.members)
      memberships[member.user_id].push_back({name, member.tier, member.level});
  std::map<store::Id, AgentInfo> agents;
  extensions_.clear();
  for (const auto& user : loaded->users) {
    if (!user.extension || user.extension->empty()) continue;
    agents[user.id] = {user.id, user.username, user.display_name, *user.extension,
                       user.org_unit_id};
    extensions_[*user.extension] = user.id;
    engine_.set_memberships(user.id, memberships[user.id]);
  }
  // Users who lost their extension or were disabled leave the phone service.
  for (const auto& [id, info] : agents_) {
    if (agents.contains(id)) continue;
    const auto snapshot = engine_.agent(id);
    if (snapshot && snapshot->state != AgentState::logged_out)
      (void)engine_.request_state(id, AgentState::logged_out, "removed", now_ms());
    engine_.set_memberships(id, {});
  }
  agents_ = std::move(agents);
  persist_changes();
  for (const auto& [name, queue] : queues_) changed_queues_.insert(name);
}

const store::Queue* AcdService::queue_config(const std::string& name) const {
  const auto found = queues_.find(name);
  return found == queues_.end() ? nullptr : &found->second;
}

std::optional<store::Id> AcdService::agent_by_extension(const std::string& extension) const {
  const auto found = extensions_.find(extension);
  if (found == extensions_.end()) return std::nullopt;
  return found->second;
}

// ---------------------------------------------------------------------------------------------
// Callers

bool AcdService::enqueue_from_ivr(const std::string& uuid, const std::string& queue, int priority,
                                  const nlohmann::json& context) {
  const auto* config = queue_config(queue);
  if (!config) return false;
  const auto snapshot = engine_.queue_snapshot(queue, now_ms());
  if (config->max_length > 0 && snapshot && snapshot->waiting >= config->max_length &&
      config->overflow_type == "none")
    return false;
  handed_from_ivr_[uuid] = {priority, context};
  if (auto passed = calls_.pass_to_application(uuid, "queue", queue); !passed) {
    handed_from_ivr_.erase(uuid);
    spdlog::warn("acd: {}: cannot take the caller: {}", uuid, passed.error().message);
    return false;
  }
  return true;
}

void AcdService::call_started(const call::ApplicationCall& call) {
  int priority = 0;
  nlohmann::json context = nlohmann::json::object();
  if (auto from_ivr = handed_from_ivr_.find(call.uuid); from_ivr != handed_from_ivr_.end()) {
    priority = from_ivr->second.first;
    context = std::move(from_ivr->second.second);
    handed_from_ivr_.erase(from_ivr);
  }
  admit(call, call.target, priority, std::move(context));
}

void AcdService::admit(const call::ApplicationCall& call, std::string queue, int priority,
                       nlohmann::json context) {
  const auto now = now_ms();
  auto position = engine_.enqueue(call.uuid, queue, priority, now);
  // A full queue sends callers on to its overflow queue (a few hops at most: no cycles).
  for (int hops = 0; !position && position.error().code == "queue_full" && hops < 3; ++hops) {
    const auto* config = queue_config(queue);
    if (!config || config->overflow_type != "queue" || config->overflow_target.empty() ||
        config->overflow_target == queue)
      break;
    spdlog::info("acd: {}: queue {} full, overflowing to {}", call.uuid, queue,
                 config->overflow_target);
    queue = config->overflow_target;
    position = engine_.enqueue(call.uuid, queue, priority, now);
  }
  if (!position && position.error().code == "queue_full") {
    // Message and callback overflows take the caller without a place in the full queue.
    const auto* config = queue_config(queue);
    if (config && config->overflow_type == "message" && !config->overflow_target.empty()) {
      spdlog::info("acd: {}: queue {} full, the caller leaves a message", call.uuid, queue);
      if (calls_.pass_to_application(call.uuid, "ivr", config->overflow_target)) return;
    }
    if (config && config->overflow_type == "callback" && !call.did.empty() &&
        !call.caller.empty()) {
      PendingCallback callback;
      callback.uuid = call.uuid;
      callback.queue = queue;
      callback.number = call.caller;
      callback.place_at = now;
      track_callback(std::move(callback), priority);
      return farewell(call.uuid);
    }
  }
  if (!position) {
    spdlog::warn("acd: {}: queue {} refused the call: {}", call.uuid, queue,
                 position.error().message);
    (void)calls_.hangup(call.uuid, "queue_" + position.error().code);
    return;
  }
  auto waiting = std::make_unique<Waiting>();
  waiting->uuid = call.uuid;
  waiting->queue = queue;
  waiting->caller = call.caller;
  waiting->did = call.did;
  waiting->priority = priority;
  waiting->context = std::move(context);
  waiting->entered_at = now;
  Waiting& w = *waiting;
  waiting_[call.uuid] = std::move(waiting);
  ++days_[queue].entered;
  changed_queues_.insert(queue);
  metrics_.counter_add("hotline_acd_calls_queued_total", {{"queue", queue}});

  store::QueueVisit visit;
  visit.call_uuid = call.uuid;
  visit.queue = queue;
  visit.caller = call.caller;
  visit.priority = priority;
  visit.entered_at = now;
  boost::asio::post(writer_, [this, visit, id = w.visit] {
    auto entered = store::QueueVisitRepository(db_).enter(visit);
    if (entered)
      *id = *entered;
    else
      spdlog::error("acd: cannot record the queue visit: {}", entered.error().message);
  });
  announce(w, true);
  route();
}

std::string AcdService::announcement_text(const Waiting& waiting, bool first) const {
  const auto* config = queue_config(waiting.queue);
  std::string text = first ? "您好，您的来电正在排队，请稍候。" : "感谢您的耐心等待。";
  if (!config) return text;
  const auto now = now_ms();
  if (config->announce_position) {
    const auto position = engine_.position(waiting.uuid);
    if (position && *position > 1)
      text += "您前面还有" + std::to_string(*position - 1) + "位来电。";
    else if (position && *position == 1)
      text += "您是下一位。";
  }
  if (config->announce_wait) {
    const auto wait = engine_.predicted_wait_seconds(waiting.uuid, now);
    if (wait && *wait > 0) text += "预计等待" + minutes_text(*wait) + "。";
  }
  // Only callers from the trunk have a number to call back.
  if (!config->callback_key.empty() && !waiting.did.empty())
    text += "如需挂机等候回电，请按" + config->callback_key + "键。";
  return text;
}

void AcdService::announce(Waiting& waiting, bool first) {
  const auto* config = queue_config(waiting.queue);
  const int interval = config ? config->announce_interval_seconds : 0;
  waiting.next_announce_at = interval > 0 ? now_ms() + interval * 1000LL : 0;
  const auto generation = ++waiting.audio_generation;
  audio_.announcement(announcement_text(waiting, first), [this, uuid = waiting.uuid, generation,
                                                          alive = std::weak_ptr<bool>(alive_)](
                                                             Result<media::PlayRequest> request) {
    if (!alive.lock()) return;
    const auto found = waiting_.find(uuid);
    if (found == waiting_.end() || found->second->audio_generation != generation) return;
    if (!request) {
      spdlog::warn("acd: {}: no announcement: {}", uuid, request.error().message);
      return play_music(uuid);
    }
    auto playback = calls_.play(uuid, std::move(*request));
    if (playback)
      found->second->announcement = *playback;
    else
      play_music(uuid);
  });
}

void AcdService::play_music(const std::string& uuid) {
  const auto found = waiting_.find(uuid);
  if (found == waiting_.end()) return;
  const auto* config = queue_config(found->second->queue);
  found->second->announcement = 0;
  const auto generation = ++found->second->audio_generation;
  audio_.music(config ? config->moh_prompt : std::string(),
               [this, uuid, generation,
                alive = std::weak_ptr<bool>(alive_)](Result<media::PlayRequest> request) {
                 if (!alive.lock() || !request) return;
                 const auto found = waiting_.find(uuid);
                 if (found == waiting_.end() || found->second->audio_generation != generation)
                   return;
                 (void)calls_.play(uuid, std::move(*request));
               });
}

void AcdService::playback_finished(const std::string& uuid, media::PlaybackId playback,
                                   bool barged_in) {
  (void)barged_in;
  if (const auto farewell = farewells_.find(uuid);
      farewell != farewells_.end() && farewell->second == playback) {
    farewells_.erase(farewell);
    (void)calls_.hangup(uuid, "callback_requested");
    return;
  }
  const auto found = waiting_.find(uuid);
  if (found == waiting_.end() || found->second->announcement != playback) return;
  play_music(uuid);
}

void AcdService::digit_received(const std::string& uuid, char digit) {
  const auto found = waiting_.find(uuid);
  if (found == waiting_.end()) return;
  const auto* config = queue_config(found->second->queue);
  if (!config || config->callback_key.size() != 1 || config->callback_key[0] != digit) {
    spdlog::debug("acd: {}: key {} in the queue", uuid, digit);
    return;
  }
  (void)request_callback(uuid, "key");
}

void AcdService::message_recorded(const std::string& uuid, const media::RecordingFinished& done) {
  (void)uuid;
  (void)done;  // the ACD records no messages itself
}

// Pairs waiting callers with ready agents and rings them.
void AcdService::route() {
  for (const auto& offer : engine_.dispatch(now_ms())) this->offer(offer);
  persist_changes();
}

void AcdService::offer(const Offer& offer) {
  const auto found = waiting_.find(offer.call);
  if (found == waiting_.end()) {
    if (auto callback = callbacks_.find(offer.call); callback != callbacks_.end())
      return offer_callback(callback->second, offer);
    spdlog::error("acd: {} offered but unknown", offer.call);
    for (const auto agent : offer.agents)
      (void)engine_.offer_failed(offer.call, agent, "withdrawn", now_ms());
    return;
  }
  Waiting& waiting = *found->second;
  waiting.ringing.clear();
  ++waiting.offers;
  std::vector<std::string> extensions;
  for (const auto agent : offer.agents) {
    const auto info = agents_.find(agent);
    if (info == agents_.end()) {
      (void)engine_.offer_failed(offer.call, agent, "unreachable", now_ms());
      continue;
    }
    extensions.push_back(info->second.extension);
    waiting.ringing.push_back(agent);
  }
  if (extensions.empty()) return;
  call::HandOverOptions options;
  options.keep_caller_audio = true;
  options.also = std::vector<std::string>(extensions.begin() + 1, extensions.end());
  if (auto handed = calls_.hand_over(waiting.uuid, extensions.front(), options); !handed) {
    spdlog::warn("acd: {}: cannot ring {}: {}", waiting.uuid, extensions.front(),
                 handed.error().message);
    return offer_failed(waiting, "unreachable");
  }
  const auto* config = queue_config(waiting.queue);
  const int timeout = config ? config->ring_timeout_seconds : 15;
  for (const auto agent : waiting.ringing) {
    Event offered{"agent.offered",
                  {{"call", waiting.uuid},
                   {"queue", waiting.queue},
                   {"caller", mask_phone_number(waiting.caller)},
                   {"wait_seconds", (now_ms() - waiting.entered_at) / 1000},
                   {"ring_timeout_seconds", timeout}},
                  "",
                  agent};
    events_.publish(offered);
  }
  waiting.ring_timer = std::make_unique<boost::asio::steady_timer>(control_);
  waiting.ring_timer->expires_after(std::chrono::seconds(timeout));
  waiting.ring_timer->async_wait([this, uuid = waiting.uuid, alive = std::weak_ptr<bool>(alive_)](
                                     const boost::system::error_code& ec) {
    if (!ec && alive.lock()) ring_timeout(uuid);
  });
  changed_queues_.insert(waiting.queue);
}

void AcdService::ring_timeout(const std::string& uuid) {
  const auto found = waiting_.find(uuid);
  if (found == waiting_.end() || found->second->ringing.empty()) return;
  spdlog::info("acd: {}: no answer within the ring timeout", uuid);
  (void)calls_.cancel_hand_over(uuid);
  offer_failed(*found->second, "no_answer");
}

// Every agent rung for the caller failed to answer: they go not ready, the caller back to the
// head of the queue.
void AcdService::offer_failed(Waiting& waiting, const std::string& reason) {
  if (waiting.ring_timer) waiting.ring_timer->cancel();
  const auto now = now_ms();
  for (const auto agent : std::exchange(waiting.ringing, {}))
    (void)engine_.offer_failed(waiting.uuid, agent, reason, now);
  changed_queues_.insert(waiting.queue);
  route();
}

void AcdService::hand_over_failed(const std::string& uuid, const std::string& cause) {
  const auto found = waiting_.find(uuid);
  if (found == waiting_.end()) return;
  spdlog::info("acd: {}: the agent's phone refused ({})", uuid, cause);
  offer_failed(*found->second, cause.starts_with("sip:4") || cause.starts_with("sip:6")
                                   ? "rejected"
                                   : "unreachable");
  play_music(uuid);
}

void AcdService::hand_over_answered(const std::string& uuid, const std::string& party) {
  const auto found = waiting_.find(uuid);
  if (found == waiting_.end()) return;
  Waiting& waiting = *found->second;
  if (waiting.ring_timer) waiting.ring_timer->cancel();
  const auto agent = agent_by_extension(party);
  const auto now = now_ms();
  if (!agent) {
    spdlog::error("acd: {}: answered by {}, who is no agent", uuid, party);
    return;
  }
  auto answered = engine_.answered(uuid, *agent, now);
  if (!answered) {
    spdlog::error("acd: {}: {} answered but the engine says {}", uuid, party,
                  answered.error().message);
    return;
  }
  waiting.ringing.clear();
  persist_changes();  // while the caller is still known: the agent's view names the call
  publish_agent_call(*agent, uuid, "talking");
  leave(uuid, "answered", agent, now);
}

// The agent hung up first: their wrap-up starts, and the IVR underneath takes the caller back
// for the survey (this application is done with the call).
bool AcdService::agent_hung_up(const std::string& uuid, const std::string& agent) {
  const auto id = agent_by_extension(agent);
  if (id && take_back_transferred(uuid, *id)) return true;
  if (id) agent_call_over(*id, now_ms());
  return false;
}

void AcdService::call_ended(const std::string& uuid) {
  const auto now = now_ms();
  farewells_.erase(uuid);
  transfers_.erase(uuid);
  if (const auto found = waiting_.find(uuid); found != waiting_.end()) {
    Waiting& waiting = *found->second;
    if (waiting.ring_timer) waiting.ring_timer->cancel();
    const bool ringing = !waiting.ringing.empty();
    (void)engine_.abandon(uuid, now);
    record_missed(waiting, ringing ? "ringing" : "queue", now);
    leave(uuid, "abandoned", std::nullopt, now);
    persist_changes();
    route();  // the agents rung for it are free again
    return;
  }
  // The caller hung up while talking: the agent's wrap-up starts.
  for (const auto& [agent, on_call] : agent_calls_) {
    if (on_call.uuid != uuid) continue;
    const auto snapshot = engine_.agent(agent);
    if (snapshot && snapshot->state == AgentState::talking) return agent_call_over(agent, now);
  }
}

// The caller leaves the queue: the visit is closed and counted.
void AcdService::leave(const std::string& uuid, const std::string& outcome,
                       std::optional<store::Id> agent, EpochMs now) {
  const auto found = waiting_.find(uuid);
  if (found == waiting_.end()) return;
  const Waiting& waiting = *found->second;
  store::QueueVisit visit;
  visit.queue = waiting.queue;
  visit.outcome = outcome;
  visit.wait_ms = now - waiting.entered_at;
  const auto* config = queue_config(waiting.queue);
  count_visit(days_[waiting.queue], visit, config ? config->service_level_seconds : 20);
  changed_queues_.insert(waiting.queue);
  metrics_.counter_add("hotline_acd_calls_left_total",
                       {{"queue", waiting.queue}, {"outcome", outcome}});
  boost::asio::post(writer_, [this, id = waiting.visit, now, outcome, agent, wait = visit.wait_ms,
                              offers = waiting.offers] {
    if (*id == 0) return;  // the visit could not be recorded
    if (auto left = store::QueueVisitRepository(db_).leave(*id, now, outcome, agent, wait, offers);
        !left)
      spdlog::error("acd: cannot close the queue visit: {}", left.error().message);
  });
  waiting_.erase(found);
}

void AcdService::overflow(const std::string& uuid) {
  const auto found = waiting_.find(uuid);
  if (found == waiting_.end()) return;
  Waiting& waiting = *found->second;
  const auto* config = queue_config(waiting.queue);
  if (!config) return;
  const auto now = now_ms();
  if (config->overflow_type == "callback") {
    (void)request_callback(uuid, "overflow");  // keeps waiting when the number is unknown
    return;
  }
  if (config->overflow_type == "message" && !config->overflow_target.empty()) {
    // The IVR takes the message (the flow's message node), and lists it as a missed call.
    spdlog::info("acd: {}: waited past {} s in {}, leaves a message", uuid,
                 config->max_wait_seconds, waiting.queue);
    const std::string target = config->overflow_target;
    (void)engine_.withdraw(uuid, now);
    leave(uuid, "message", std::nullopt, now);
    if (auto passed = calls_.pass_to_application(uuid, "ivr", target); !passed)
      (void)calls_.hangup(uuid, "overflow_failed");
    return;
  }
  if (config->overflow_type != "queue" || config->overflow_target.empty() ||
      !queue_config(config->overflow_target))
    return;
  const std::string target = config->overflow_target;
  if (auto moved = engine_.move_to(uuid, target, now); !moved) {
    spdlog::warn("acd: {}: cannot overflow to {}: {}", uuid, target, moved.error().message);
    return;
  }
  spdlog::info("acd: {}: waited past {} s in {}, overflows to {}", uuid, config->max_wait_seconds,
               waiting.queue, target);
  // A new visit in the target queue; the engine keeps the call's place by its first wait.
  auto moved = std::make_unique<Waiting>();
  moved->uuid = uuid;
  moved->queue = target;
  moved->caller = waiting.caller;
  moved->did = waiting.did;
  moved->priority = waiting.priority;
  moved->context = waiting.context;
  moved->entered_at = now;
  moved->next_announce_at = waiting.next_announce_at;
  moved->audio_generation = waiting.audio_generation;
  moved->announcement = waiting.announcement;
  leave(uuid, "overflow", std::nullopt, now);
  Waiting& w = *moved;
  waiting_[uuid] = std::move(moved);
  ++days_[target].entered;
  changed_queues_.insert(target);
  store::QueueVisit visit;
  visit.call_uuid = uuid;
  visit.queue = target;
  visit.caller = w.caller;
  visit.priority = w.priority;
  visit.entered_at = now;
  boost::asio::post(writer_, [this, visit, id = w.visit] {
    if (auto entered = store::QueueVisitRepository(db_).enter(visit); entered) *id = *entered;
  });
  route();
}

void AcdService::record_missed(const Waiting& waiting, const std::string& lost_in, EpochMs now) {
  store::MissedCall missed;
  missed.call_uuid = waiting.uuid;
  missed.number = waiting.caller;
  missed.lost_in = lost_in;
  missed.queue = waiting.queue;
  missed.wait_ms = now - waiting.entered_at;
  missed.occurred_at = now;
  store_missed(std::move(missed));
}

void AcdService::store_missed(store::MissedCall missed) {
  boost::asio::post(writer_, [this, missed] {
    auto created = store::MissedCallRepository(db_).create(missed);
    if (!created) {
      spdlog::error("acd: cannot record a missed call: {}", created.error().message);
      return;
    }
    events_.publish({"missed.created",
                     {{"id", *created},
                      {"number", mask_phone_number(missed.number)},
                      {"lost_in", missed.lost_in},
                      {"queue", missed.queue},
                      {"wait_seconds", missed.wait_ms / 1000}},
                     "missed.read"});
  });
}

// ---------------------------------------------------------------------------------------------
// Agents

void AcdService::agent_call_over(store::Id agent, EpochMs now) {
  if (auto finished = engine_.call_finished(agent, now); !finished) {
    spdlog::debug("acd: agent {}: {}", agent, finished.error().message);
  } else if (const auto on_call = agent_calls_.find(agent); on_call != agent_calls_.end()) {
    publish_agent_call(agent, on_call->second.uuid, "ended");
  }
  for (const auto due : engine_.wrap_ups_due(now)) (void)engine_.end_wrap_up(due, now);
  persist_changes();
  route();
}

Result<AgentView> AcdService::request_state(store::Id agent, const std::string& state,
                                            const std::string& reason,
                                            std::optional<store::Id> by) {
  return on_control<AgentView>([this, agent, state, reason, by]() -> Result<AgentView> {
    if (!agents_.contains(agent))
      return Error{"invalid", "only users with an extension can work as agents"};
    const auto target = agent_state_from(state);
    if (!target || (*target != AgentState::ready && *target != AgentState::not_ready &&
                    *target != AgentState::logged_out))
      return Error{"invalid", "state must be ready, not_ready or logged_out"};
    if (auto changed = engine_.request_state(agent, *target, reason, now_ms()); !changed)
      return changed.error();
    if (by && *by != agent)
      spdlog::info("acd: agent {} set {} by supervisor {}", agent, state, *by);
    persist_changes();
    route();
    const auto after = engine_.agent(agent);
    if (!after) return Error{"not_found", "no such agent"};
    return view_of(*after);
  });
}

Result<std::vector<AgentView>> AcdService::agents() {
  return on_control<std::vector<AgentView>>([this]() -> Result<std::vector<AgentView>> {
    std::vector<AgentView> views;
    for (const auto& snapshot : engine_.agents())
      if (agents_.contains(snapshot.id)) views.push_back(view_of(snapshot));
    return views;
  });
}

Result<std::optional<AgentView>> AcdService::agent(store::Id id) {
  return on_control<std::optional<AgentView>>([this, id]() -> Result<std::optional<AgentView>> {
    const auto snapshot = engine_.agent(id);
    if (!snapshot || !agents_.contains(id)) return std::optional<AgentView>{};
    return std::optional<AgentView>{view_of(*snapshot)};
  });
}

Result<std::vector<QueueView>> AcdService::queues() {
  return on_control<std::vector<QueueView>>([this]() -> Result<std::vector<QueueView>> {
    std::vector<QueueView> views;
    const auto now = now_ms();
    for (const auto& [name, config] : queues_) {
      QueueView view;
      view.config = config;
      if (auto live = engine_.queue_snapshot(name, now)) view.live = *live;
      view.live.name = name;
      if (const auto day = days_.find(name); day != days_.end()) view.day = day->second;
      views.push_back(std::move(view));
    }
    return views;
  });
}

Result<std::optional<QueuedCallView>> AcdService::queued_call(const std::string& uuid) {
  return on_control<std::optional<QueuedCallView>>(
      [this, uuid]() -> Result<std::optional<QueuedCallView>> {
        const auto found = waiting_.find(uuid);
        if (found == waiting_.end()) return std::optional<QueuedCallView>{};
        const Waiting& w = *found->second;
        return std::optional<QueuedCallView>{
            QueuedCallView{w.uuid, w.queue, w.caller, w.did, w.entered_at, w.context, w.ringing}};
      });
}

Result<call::MonitorSession> AcdService::monitor(store::Id agent, store::Id supervisor,
                                                 const std::string& mode) {
  return on_control<call::MonitorSession>([this, agent, supervisor,
                                           mode]() -> Result<call::MonitorSession> {
    const auto agent_info = agents_.find(agent);
    if (agent_info == agents_.end()) return Error{"invalid", "the agent has no extension"};
    const auto supervisor_info = agents_.find(supervisor);
    if (supervisor_info == agents_.end())
      return Error{"invalid", "the supervisor has no extension to listen on"};
    return calls_.monitor(agent_info->second.extension, supervisor_info->second.extension, mode);
  });
}

Status AcdService::set_monitor_mode(const std::string& id, const std::string& mode) {
  return on_control<Unit>([this, id, mode]() { return calls_.set_monitor_mode(id, mode); });
}

Status AcdService::end_monitor(const std::string& id) {
  return on_control<Unit>([this, id]() { return calls_.end_monitor(id); });
}

Result<std::optional<call::MonitorSession>> AcdService::monitor_session(const std::string& id) {
  return on_control<std::optional<call::MonitorSession>>(
      [this, id]() -> Result<std::optional<call::MonitorSession>> {
        return calls_.monitor_session(id);
      });
}

AgentView AcdService::view_of(const AgentSnapshot& snapshot) const {
  AgentView view;
  if (const auto info = agents_.find(snapshot.id); info != agents_.end()) view.info = info->second;
  view.state = snapshot;
  if (const auto logged = logged_in_at_.find(snapshot.id); logged != logged_in_at_.end())
    view.logged_in_at = logged->second;
  if (!snapshot.call.empty()) {
    if (const auto waiting = waiting_.find(snapshot.call); waiting != waiting_.end()) {
      view.call_queue = waiting->second->queue;
      view.call_caller = waiting->second->caller;
    } else if (const auto callback = callbacks_.find(snapshot.call); callback != callbacks_.end()) {
      view.call_queue = callback->second.queue;
      view.call_caller = callback->second.number;
      view.call_uuid = callback->second.uuid;
      view.call_callback = true;
    } else if (const auto on_call = agent_calls_.find(snapshot.id); on_call != agent_calls_.end()) {
      view.call_queue = on_call->second.queue;
      view.call_caller = on_call->second.caller;
      view.call_uuid = on_call->second.uuid;
      view.call_callback = on_call->second.callback;
    }
  }
  return view;
}

// Drains the engine's state changes: each is stored (state row + event) and published.
void AcdService::persist_changes() {
  std::set<store::Id> changed;
  for (const auto& change : engine_.take_changes()) {
    changed.insert(change.agent);
    store::AgentStateRecord state;
    state.user_id = change.agent;
    state.state = std::string(to_string(change.to));
    state.reason = change.reason;
    state.since = change.at;
    state.call_uuid = change.call;
    if (const auto logged = logged_in_at_.find(change.agent); logged != logged_in_at_.end())
      state.logged_in_at = logged->second;
    store::AgentEvent event;
    event.user_id = change.agent;
    event.state = state.state;
    event.previous = std::string(to_string(change.from));
    event.reason = change.reason;
    event.call_uuid = change.call;
    event.at = change.at;
    if (const auto since = state_since_.find(change.agent); since != state_since_.end())
      event.previous_ms = change.at - since->second;
    state_since_[change.agent] = change.at;
    if (change.from == AgentState::logged_out) logged_in_at_[change.agent] = change.at;
    if (change.to == AgentState::logged_out) logged_in_at_.erase(change.agent);
    if (change.to == AgentState::talking) {
      if (const auto waiting = waiting_.find(change.call); waiting != waiting_.end())
        agent_calls_[change.agent] = AgentCall{*waiting->second};
    } else if (change.to != AgentState::wrap_up) {
      agent_calls_.erase(change.agent);
    }
    metrics_.counter_add("hotline_acd_agent_state_changes_total", {{"state", event.state}});
    boost::asio::post(writer_, [this, state, event] {
      if (auto stored = store::AgentStateRepository(db_).record(state, event); !stored)
        spdlog::error("acd: cannot store agent {}'s state: {}", state.user_id,
                      stored.error().message);
    });
  }
  for (const auto agent : changed) publish_agent(agent);
}

void AcdService::publish_agent(store::Id agent) {
  const auto snapshot = engine_.agent(agent);
  if (!snapshot || !agents_.contains(agent)) return;
  const auto data = agent_json(view_of(*snapshot));
  events_.publish({"agent.state", data, "agents.read"});
  events_.publish({"agent.state", data, "", agent});
  for (const auto& membership : snapshot->memberships) changed_queues_.insert(membership.queue);
}

// ---------------------------------------------------------------------------------------------
// Time: one tick a second for wrap-ups, ring and wait limits, announcements, tier escalation,
// wallboard updates and the day's rollover.

void AcdService::schedule_tick() {
  ticker_ = std::make_unique<boost::asio::steady_timer>(control_);
  ticker_->expires_after(std::chrono::seconds(1));
  ticker_->async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (ec || !alive.lock()) return;
        tick();
        schedule_tick();
      });
}

void AcdService::tick() {
  const auto now = now_ms();
  roll_day(now);
  for (const auto agent : engine_.wrap_ups_due(now)) (void)engine_.end_wrap_up(agent, now);
  for (const auto& uuid : engine_.over_max_wait(now)) overflow(uuid);
  for (auto& [uuid, waiting] : waiting_)
    if (waiting->next_announce_at != 0 && now >= waiting->next_announce_at &&
        waiting->ringing.empty())
      announce(*waiting, false);
  route();
  for (const auto& name : std::exchange(changed_queues_, {})) publish_queue(name);
}

void AcdService::publish_queue(const std::string& name) {
  const auto* config = queue_config(name);
  if (!config) return;
  QueueView view;
  view.config = *config;
  if (auto live = engine_.queue_snapshot(name, now_ms())) view.live = *live;
  if (const auto day = days_.find(name); day != days_.end()) view.day = day->second;
  events_.publish({"queue.stats", queue_json(view), "agents.read"});
  const bool breached = view.breached();
  if (breached && !breached_.contains(name)) {
    breached_.insert(name);
    events_.publish({"queue.alert",
                     {{"queue", name},
                      {"display_name", config->display_name},
                      {"service_level_pct", *view.service_level_pct()},
                      {"target", config->service_level_target}},
                     "agents.read"});
  } else if (!breached) {
    breached_.erase(name);
  }
}

void AcdService::roll_day(EpochMs now) {
  const auto midnight = local_midnight(now);
  if (midnight == day_start_) return;
  day_start_ = midnight;
  days_.clear();
  breached_.clear();
  engine_.reset_counters(now);
  for (const auto& [name, queue] : queues_) changed_queues_.insert(name);
}

}  // namespace hotline::acd
