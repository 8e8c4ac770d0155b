// Callbacks and click-to-dial: calls the ACD has placed through CallService::originate.
//
// A caller who presses the queue's callback key (or whom a callback overflow takes) hangs up
// but keeps their place: the engine holds "callback:<uuid>" with the caller's first enqueue
// time. When an agent is offered it, the agent's phone rings first; once answered, the caller's
// number is dialled through the trunk. An agent who does not answer goes not ready and the
// callback goes back to the head of the queue; a citizen who does not answer is a missed call
// (lost_in "callback"). Every step is kept in the callbacks table.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "acd/acd_service.hpp"
#include "acd/acd_service_internals.hpp"
#include "common/masking.hpp"
#include "store/callback_repository.hpp"
#include "store/missed_call_repository.hpp"

namespace hotline::acd {

namespace {

constexpr const char* kCallbackPrefix = "callback:";
constexpr const char* kCallbackFarewell =
    "好的，我们将按您排队的顺序尽快给您回电，请保持电话畅通。再见。";

// Why an agent did not take an offered callback, as the engine's not-ready reason.
std::string agent_failure_reason(const std::string& disposition) {
  if (disposition == "busy" || disposition == "rejected") return "rejected";
  if (disposition == "no_answer") return "no_answer";
  return "unreachable";
}

}  // namespace

bool AcdService::request_callback(const std::string& uuid, const std::string& why) {
  const auto found = waiting_.find(uuid);
  if (found == waiting_.end()) return false;
  Waiting& waiting = *found->second;
  // Only a caller from the trunk has a number to call back.
  if (waiting.did.empty() || waiting.caller.empty() || !waiting.ringing.empty()) return false;
  const auto now = now_ms();
  const auto left = engine_.withdraw(uuid, now);
  if (!left) return false;
  PendingCallback callback;
  callback.uuid = uuid;
  callback.queue = waiting.queue;
  callback.number = waiting.caller;
  callback.place_at = left->enqueued_at;
  spdlog::info("acd: {}: callback requested in {} ({})", uuid, waiting.queue, why);
  track_callback(std::move(callback), waiting.priority);
  leave(uuid, "callback", std::nullopt, now);
  farewell(uuid);
  route();
  return true;
}

void AcdService::track_callback(PendingCallback callback, int priority) {
  const std::string key = kCallbackPrefix + callback.uuid;
  if (auto queued = engine_.enqueue(key, callback.queue, priority, callback.place_at, true);
      !queued) {
    spdlog::error("acd: {}: callback not queued: {}", callback.uuid, queued.error().message);
    return;
  }
  if (*callback.id == 0) {
    store::Callback row;
    row.call_uuid = callback.uuid;
    row.queue = callback.queue;
    row.number = callback.number;
    row.place_at = callback.place_at;
    boost::asio::post(writer_, [this, row, id = callback.id] {
      auto created = store::CallbackRepository(db_).create(row);
      if (created)
        *id = *created;
      else
        spdlog::error("acd: cannot record a callback: {}", created.error().message);
    });
  }
  metrics_.counter_add("hotline_acd_callbacks_total", {{"queue", callback.queue}});
  changed_queues_.insert(callback.queue);
  callbacks_[key] = std::move(callback);
}

void AcdService::farewell(const std::string& uuid) {
  farewells_[uuid] = 0;
  audio_.announcement(kCallbackFarewell, [this, uuid, alive = std::weak_ptr<bool>(alive_)](
                                             Result<media::PlayRequest> request) {
    if (!alive.lock() || !farewells_.contains(uuid)) return;
    auto playback = request ? calls_.play(uuid, std::move(*request))
                            : Result<media::PlaybackId>(request.error());
    if (playback)
      farewells_[uuid] = *playback;
    else
      (void)calls_.hangup(uuid, "callback_requested");
  });
}

// The engine offers a callback: ring the agent (or, ring-all, every agent offered); the first
// to answer dials the citizen.
void AcdService::offer_callback(PendingCallback& callback, const Offer& offer) {
  const std::string key = offer.call;
  std::vector<std::string> extensions;
  callback.ringing.clear();
  for (const auto agent : offer.agents) {
    const auto info = agents_.find(agent);
    if (info == agents_.end()) {
      (void)engine_.offer_failed(key, agent, "unreachable", now_ms());
      continue;
    }
    extensions.push_back(info->second.extension);
    callback.ringing.push_back(agent);
  }
  if (extensions.empty()) return;
  const auto* config = queue_config(callback.queue);
  const int timeout = config ? config->ring_timeout_seconds : 15;
  call::OriginateRequest request;
  request.extension = extensions.front();
  request.also.assign(extensions.begin() + 1, extensions.end());
  request.number = callback.number;
  request.agent_ring_seconds = timeout;
  auto placed = calls_.originate(request, [this, key, alive = std::weak_ptr<bool>(alive_)](
                                              const call::OriginateProgress& progress) {
    if (alive.lock()) callback_progress(key, progress);
  });
  if (!placed) {
    spdlog::warn("acd: {}: cannot place the callback: {}", key, placed.error().message);
    const auto now = now_ms();
    const std::string reason =
        placed.error().code == "unavailable" ? "unreachable" : placed.error().code;
    if (placed.error().code == "forbidden" || placed.error().code == "invalid") {
      // The number can never be dialled: the callback fails, the agents are free again.
      (void)engine_.withdraw(key, now);
      boost::asio::post(writer_, [this, id = callback.id, why = placed.error().code] {
        if (*id) (void)store::CallbackRepository(db_).finish(*id, "failed", why);
      });
      callbacks_.erase(key);
      persist_changes();
      return;
    }
    for (const auto agent : std::exchange(callback.ringing, {}))
      (void)engine_.offer_failed(key, agent, reason, now);
    persist_changes();
    return;
  }
  callback.live_uuid = *placed;
  // One attempt, whoever answers; with several phones ringing, the one who answers is recorded.
  std::optional<store::Id> rung;
  if (callback.ringing.size() == 1) rung = callback.ringing.front();
  boost::asio::post(writer_, [this, id = callback.id, rung, live = *placed] {
    if (*id) (void)store::CallbackRepository(db_).dialling(*id, rung, live);
  });
  for (const auto agent : callback.ringing) {
    events_.publish({"agent.offered",
                     {{"call", callback.uuid},
                      {"queue", callback.queue},
                      {"caller", mask_phone_number(callback.number)},
                      {"number", mask_phone_number(callback.number)},
                      {"callback", true},
                      {"wait_seconds", (now_ms() - callback.place_at) / 1000},
                      {"ring_timeout_seconds", timeout}},
                     "",
                     agent});
  }
  changed_queues_.insert(callback.queue);
}

void AcdService::callback_progress(const std::string& key,
                                   const call::OriginateProgress& progress) {
  const auto found = callbacks_.find(key);
  if (found == callbacks_.end()) return;
  PendingCallback& callback = found->second;
  const auto now = now_ms();
  using Stage = call::OriginateProgress::Stage;
  if (progress.stage == Stage::agent_answered) {
    const auto agent = agent_by_extension(progress.agent);
    if (!agent) return;
    if (auto answered = engine_.answered(key, *agent, now); !answered) {
      spdlog::error("acd: {}: {} answered but the engine says {}", key, progress.agent,
                    answered.error().message);
      return;
    }
    if (callback.ringing.size() > 1)
      boost::asio::post(writer_, [this, id = callback.id, taken = *agent] {
        if (*id) (void)store::CallbackRepository(db_).taken_by(*id, taken);
      });
    callback.ringing.clear();
    AgentCall on_call;
    on_call.uuid = progress.uuid;
    on_call.queue = callback.queue;
    on_call.caller = callback.number;
    on_call.callback = true;
    agent_calls_[*agent] = std::move(on_call);
    persist_changes();
    publish_agent_call(*agent, progress.uuid, "talking");
    return;
  }
  if (progress.stage == Stage::answered) {
    boost::asio::post(writer_, [this, id = callback.id] {
      if (*id) (void)store::CallbackRepository(db_).finish(*id, "completed", "answered");
    });
    return;
  }
  // Ended.
  if (!progress.agent_answered) {
    // No agent took it: they go not ready, the callback back to the head of the queue.
    const auto reason = agent_failure_reason(progress.disposition);
    for (const auto agent : std::exchange(callback.ringing, {}))
      (void)engine_.offer_failed(key, agent, reason, now);
    callback.live_uuid.clear();
    boost::asio::post(writer_, [this, id = callback.id] {
      if (*id) (void)store::CallbackRepository(db_).finish(*id, "waiting", "agent_no_answer");
    });
    persist_changes();
    route();
    return;
  }
  if (!progress.answered) {
    spdlog::info("acd: {}: the citizen did not answer the callback ({})", key,
                 progress.disposition);
    boost::asio::post(writer_, [this, id = callback.id, why = progress.disposition] {
      if (*id) (void)store::CallbackRepository(db_).finish(*id, "failed", why);
    });
    store::MissedCall missed;
    missed.call_uuid = callback.uuid;
    missed.number = callback.number;
    missed.lost_in = "callback";
    missed.queue = callback.queue;
    missed.wait_ms = now - callback.place_at;
    missed.occurred_at = now;
    store_missed(std::move(missed));
  }
  const auto agent = agent_by_extension(progress.agent);
  callbacks_.erase(found);
  if (agent) agent_call_over(*agent, now);
}

// After a restart: callbacks not yet made wait again, in their places.
void AcdService::restore_callbacks() {
  auto open = store::CallbackRepository(db_).open();
  if (!open) {
    spdlog::error("acd: cannot load waiting callbacks: {}", open.error().message);
    return;
  }
  for (const auto& row : *open) {
    if (!queue_config(row.queue)) {
      (void)store::CallbackRepository(db_).finish(row.id, "cancelled", "queue_removed");
      continue;
    }
    if (row.status == "dialling")
      (void)store::CallbackRepository(db_).finish(row.id, "waiting", "restart");
    PendingCallback callback;
    *callback.id = row.id;
    callback.uuid = row.call_uuid;
    callback.queue = row.queue;
    callback.number = row.number;
    callback.place_at = row.place_at;
    track_callback(std::move(callback), 0);
  }
  if (!open->empty()) spdlog::info("acd: {} callbacks waiting", open->size());
}

// ---------------------------------------------------------------------------------------------
// Click-to-dial

Result<std::string> AcdService::dial(store::Id agent, const std::string& number,
                                     std::optional<store::Id> missed_call) {
  return on_control<std::string>([this, agent, number, missed_call]() -> Result<std::string> {
    const auto info = agents_.find(agent);
    if (info == agents_.end()) return Error{"invalid", "only users with an extension can dial"};
    const auto snapshot = engine_.agent(agent);
    if (!snapshot ||
        (snapshot->state != AgentState::ready && snapshot->state != AgentState::not_ready &&
         snapshot->state != AgentState::wrap_up))
      return Error{"invalid_state", "log in and finish the current call first"};
    call::OriginateRequest request;
    request.extension = info->second.extension;
    request.number = number;
    request.agent_headers = {{"Call-Info", "<sip:" + request.extension + ">;answer-after=0"}};
    auto placed =
        calls_.originate(request, [this, agent, missed_call, alive = std::weak_ptr<bool>(alive_)](
                                      const call::OriginateProgress& progress) {
          if (alive.lock()) dial_progress(agent, missed_call, progress);
        });
    if (!placed) return placed.error();
    agent_calls_.erase(agent);
    if (auto started = engine_.direct_call_started(agent, *placed, "outbound", now_ms()); !started)
      spdlog::warn("acd: agent {} dials but stays {}: {}", agent, to_string(snapshot->state),
                   started.error().message);
    persist_changes();
    if (missed_call) follow_up_missed(*missed_call, "in_progress", agent);
    return *placed;
  });
}

void AcdService::dial_progress(store::Id agent, std::optional<store::Id> missed,
                               const call::OriginateProgress& progress) {
  using Stage = call::OriginateProgress::Stage;
  if (progress.stage == Stage::agent_answered)
    return publish_agent_call(agent, progress.uuid, "talking");
  if (progress.stage == Stage::answered) {
    if (missed) follow_up_missed(*missed, "called_back", agent);
    return;
  }
  publish_agent_call(agent, progress.uuid, "ended");
  if (engine_.direct_call_ended(agent, progress.uuid, now_ms())) {
    persist_changes();
    route();
  }
}

void AcdService::follow_up_missed(store::Id id, const std::string& status, store::Id agent) {
  boost::asio::post(writer_, [this, id, status, agent] {
    store::MissedCallRepository missed(db_);
    const auto found = missed.find(id);
    const std::string note = found && *found ? (*found)->note : std::string();  // kept
    if (auto updated = missed.update_status(id, status, agent, note); updated)
      events_.publish({"missed.changed", {{"id", id}, {"status", status}}, "missed.read"});
    else
      spdlog::error("acd: missed call {} not updated: {}", id, updated.error().message);
  });
}

}  // namespace hotline::acd
