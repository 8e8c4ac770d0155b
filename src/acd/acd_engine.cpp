#include "acd/acd_engine.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <queue>

#include "acd/agent_state_machine.hpp"

namespace hotline::acd {

namespace {

constexpr EpochMs kMsPerSecond = 1000;
constexpr EpochMs kServiceLevel15 = 15 * kMsPerSecond;
constexpr EpochMs kServiceLevel20 = 20 * kMsPerSecond;

int index(AgentState state) {
  return static_cast<int>(state);
}

}  // namespace

AcdEngine::AcdEngine(PredictorSettings predictor) : predictor_settings_(predictor) {}

// --- Configuration ---

AcdEngine::Queue& AcdEngine::queue_entry(const std::string& name) {
  auto [it, inserted] = queues_.try_emplace(name);
  if (inserted) {
    it->second.config.name = name;
    it->second.predictor = WaitPredictor(predictor_settings_);
  }
  return it->second;
}

AcdEngine::Queue* AcdEngine::configured_queue(const std::string& name) {
  auto it = queues_.find(name);
  return it != queues_.end() && it->second.configured ? &it->second : nullptr;
}

const AcdEngine::Queue* AcdEngine::configured_queue(const std::string& name) const {
  auto it = queues_.find(name);
  return it != queues_.end() && it->second.configured ? &it->second : nullptr;
}

AcdEngine::Agent* AcdEngine::find_agent(AgentId id) {
  auto it = agents_.find(id);
  return it != agents_.end() ? &it->second : nullptr;
}

AcdEngine::Call* AcdEngine::find_call(const CallKey& key) {
  auto it = calls_.find(key);
  return it != calls_.end() ? &it->second : nullptr;
}

void AcdEngine::upsert_queue(QueueConfig config) {
  Queue& queue = queue_entry(config.name);
  const bool new_strategy = config.strategy != queue.config.strategy;
  queue.config = std::move(config);
  queue.configured = true;
  if (new_strategy) rekey(queue);
  mark_dirty(queue);  // tiers or strategy may now match differently
}

Status AcdEngine::remove_queue(const std::string& name) {
  Queue* queue = configured_queue(name);
  if (!queue) return Error{"not_found", "no queue " + name};
  if (queue->line.size() + static_cast<int>(queue->offered.size()) > 0) {
    return Error{"not_empty", "calls are waiting in queue " + name};
  }
  queue->configured = false;
  if (queue->escalation_at) escalations_.erase({*queue->escalation_at, queue});
  queue->escalation_at.reset();
  return ok_status();
}

void AcdEngine::set_memberships(AgentId id, std::vector<Membership> memberships) {
  auto [it, created] = agents_.try_emplace(id);
  Agent& agent = it->second;
  if (created) agent.id = id;
  const bool ready = agent.state == AgentState::ready;
  if (ready) leave_ready(agent);

  std::vector<Queue*> joined;
  for (auto& membership : memberships) {
    Queue& queue = queue_entry(membership.queue);
    if (std::find(joined.begin(), joined.end(), &queue) != joined.end()) continue;
    auto [member, added] = queue.members.try_emplace(id);
    if (added) {
      member->second.rank.position = queue.next_position++;
      ++queue.members_by_state[index(agent.state)];
    }
    member->second.tier = std::max(1, membership.tier);
    member->second.rank.level = std::clamp(membership.level, 1, 10);
    joined.push_back(&queue);
  }
  for (Queue* queue : agent.queues) {
    if (std::find(joined.begin(), joined.end(), queue) != joined.end()) continue;
    queue->members.erase(id);
    --queue->members_by_state[index(agent.state)];
  }
  agent.queues = std::move(joined);
  if (ready) enter_ready(agent);
}

Status AcdEngine::remove_agent(AgentId id, EpochMs now) {
  Agent* agent = find_agent(id);
  if (!agent) return Error{"not_found", "no agent " + std::to_string(id)};
  if (agent->state == AgentState::ringing || agent->state == AgentState::talking) {
    return Error{"invalid_state", "the agent is on a call"};
  }
  if (agent->state != AgentState::logged_out) {
    change(*agent, AgentState::logged_out, "removed", {}, now);
  }
  for (Queue* queue : agent->queues) {
    queue->members.erase(id);
    --queue->members_by_state[index(AgentState::logged_out)];
  }
  agents_.erase(id);
  return ok_status();
}

Status AcdEngine::restore(AgentId id, AgentState state, std::string reason, EpochMs since) {
  if (state == AgentState::ringing || state == AgentState::talking) {
    return Error{"invalid_argument", "ringing and talking are restored as ready or not_ready"};
  }
  auto [it, created] = agents_.try_emplace(id);
  Agent& agent = it->second;
  if (created) agent.id = id;
  if (agent.state == AgentState::ringing || agent.state == AgentState::talking) {
    return Error{"invalid_state", "the agent is on a call"};
  }
  if (state == AgentState::wrap_up) {
    int wrap_up_seconds = 0;
    for (const Queue* queue : agent.queues) {
      wrap_up_seconds = std::max(wrap_up_seconds, queue->config.wrap_up_seconds);
    }
    agent.wrap_up_until = since + wrap_up_seconds * kMsPerSecond;
  }
  agent.after_call.reset();
  agent.call_queue = nullptr;
  set_state(agent, state, std::move(reason), {}, since, false);
  return ok_status();
}

// --- Agent states ---

void AcdEngine::set_state(Agent& agent, AgentState to, std::string reason, CallKey call, EpochMs at,
                          bool keep_idle) {
  const AgentState from = agent.state;
  if (from == AgentState::ready) leave_ready(agent);
  if (agent.wrap_up_indexed) {
    wrap_ups_.erase({*agent.wrap_up_indexed, agent.id});
    agent.wrap_up_indexed.reset();
  }
  for (Queue* queue : agent.queues) {
    --queue->members_by_state[index(from)];
    ++queue->members_by_state[index(to)];
  }
  agent.state = to;
  agent.reason = std::move(reason);
  agent.since = at;
  agent.call = std::move(call);
  if (to == AgentState::wrap_up) {
    agent.wrap_up_indexed = agent.wrap_up_until;
    wrap_ups_.insert({agent.wrap_up_until, agent.id});
  }
  if (to == AgentState::ready) {
    if (!keep_idle) agent.stats.idle_since = at;
    enter_ready(agent);
  }
}

void AcdEngine::change(Agent& agent, AgentState to, std::string reason, CallKey call, EpochMs now,
                       bool keep_idle) {
  assert(transition_allowed(agent.state, to));
  const AgentState from = agent.state;
  set_state(agent, to, std::move(reason), std::move(call), now, keep_idle);
  changes_.push_back({agent.id, from, to, agent.reason, now, agent.call});
}

void AcdEngine::enter_ready(Agent& agent) {
  for (Queue* queue : agent.queues) {
    Member& member = queue->members.at(agent.id);
    member.ready_key = ready_key(queue->config.strategy, agent.id, agent.stats, member.rank);
    queue->ready.insert(member.tier, *member.ready_key);
    mark_dirty(*queue);
  }
}

void AcdEngine::leave_ready(Agent& agent) {
  for (Queue* queue : agent.queues) {
    Member& member = queue->members.at(agent.id);
    if (member.ready_key) queue->ready.erase(member.tier, *member.ready_key);
    member.ready_key.reset();
  }
}

void AcdEngine::rekey(Queue& queue) {
  queue.ready.clear();
  for (auto& [id, member] : queue.members) {
    if (!member.ready_key) continue;
    member.ready_key = ready_key(queue.config.strategy, id, agents_.at(id).stats, member.rank);
    queue.ready.insert(member.tier, *member.ready_key);
  }
  mark_dirty(queue);
}

Status AcdEngine::request_state(AgentId id, AgentState target, const std::string& reason,
                                EpochMs now) {
  Agent* agent = find_agent(id);
  if (!agent) return Error{"not_found", "no agent " + std::to_string(id)};
  auto plan = plan_request(agent->state, target, reason != agent->reason);
  if (!plan) return plan.error();
  switch (*plan) {
    case RequestPlan::unchanged:
      break;
    case RequestPlan::apply_now:
      change(*agent, target, reason, {}, now);
      break;
    case RequestPlan::defer_after_call:
      agent->after_call = target;
      agent->after_call_reason = reason;
      break;
    case RequestPlan::cancel_after_call:
      agent->after_call.reset();
      break;
    case RequestPlan::end_wrap_up:
      agent->after_call.reset();
      end_call(*agent, reason, now);
      break;
  }
  return ok_status();
}

void AcdEngine::end_call(Agent& agent, std::string reason, EpochMs now) {
  if (agent.call_queue) agent.call_queue->predictor.handled(now - agent.answered_at);
  agent.call_queue = nullptr;
  AgentState next = AgentState::ready;
  if (agent.after_call) {
    next = *agent.after_call;
    reason = std::move(agent.after_call_reason);
    agent.after_call.reset();
  }
  change(agent, next, std::move(reason), {}, now);
}

Status AcdEngine::call_finished(AgentId id, EpochMs now) {
  Agent* agent = find_agent(id);
  if (!agent) return Error{"not_found", "no agent " + std::to_string(id)};
  if (agent->state != AgentState::talking)
    return Error{"invalid_state", "the agent is not talking"};
  agent->stats.talk_ms += std::max<EpochMs>(0, now - agent->talk_counted_from);
  const int wrap_up_seconds = agent->call_queue ? agent->call_queue->config.wrap_up_seconds : 0;
  if (wrap_up_seconds <= 0) {
    end_call(*agent, {}, now);
  } else {
    agent->wrap_up_until = now + wrap_up_seconds * kMsPerSecond;
    change(*agent, AgentState::wrap_up, {}, agent->call, now);
  }
  return ok_status();
}

Status AcdEngine::direct_call_started(AgentId id, CallKey call, const std::string& reason,
                                      EpochMs now) {
  Agent* agent = find_agent(id);
  if (!agent) return Error{"not_found", "no agent " + std::to_string(id)};
  if (agent->state == AgentState::talking && agent->call == call) return ok_status();
  switch (agent->state) {
    case AgentState::ready:
      agent->after_call.reset();
      break;
    case AgentState::not_ready:
      agent->after_call = AgentState::not_ready;
      agent->after_call_reason = agent->reason;
      break;
    case AgentState::wrap_up:
      break;  // a state asked for during the queue call still applies afterwards
    default:
      return Error{"invalid_state", "the agent is logged out or on another call"};
  }
  agent->call_queue = nullptr;
  agent->answered_at = now;
  agent->talk_counted_from = now;
  change(*agent, AgentState::talking, reason, std::move(call), now);
  return ok_status();
}

Status AcdEngine::direct_call_ended(AgentId id, const CallKey& call, EpochMs now) {
  Agent* agent = find_agent(id);
  if (!agent) return Error{"not_found", "no agent " + std::to_string(id)};
  if (agent->state != AgentState::talking || agent->call != call || agent->call_queue)
    return Error{"invalid_state", "the agent is not on this direct call"};
  agent->stats.talk_ms += std::max<EpochMs>(0, now - agent->talk_counted_from);
  end_call(*agent, {}, now);
  return ok_status();
}

std::vector<AgentId> AcdEngine::wrap_ups_due(EpochMs now) const {
  std::vector<AgentId> due;
  for (auto it = wrap_ups_.begin(); it != wrap_ups_.end() && it->first <= now; ++it) {
    due.push_back(it->second);
  }
  return due;
}

std::optional<EpochMs> AcdEngine::next_wrap_up_due() const {
  if (wrap_ups_.empty()) return std::nullopt;
  return wrap_ups_.begin()->first;
}

Status AcdEngine::end_wrap_up(AgentId id, EpochMs now) {
  Agent* agent = find_agent(id);
  if (!agent) return Error{"not_found", "no agent " + std::to_string(id)};
  if (agent->state != AgentState::wrap_up) return Error{"invalid_state", "not in wrap-up"};
  end_call(*agent, {}, now);
  return ok_status();
}

// --- Calls ---

void AcdEngine::mark_dirty(Queue& queue) {
  if (queue.dirty) return;
  queue.dirty = true;
  dirty_.push_back(&queue);
}

Result<int> AcdEngine::enqueue(CallKey key, const std::string& queue_name, int priority,
                               EpochMs now, bool callback) {
  if (calls_.count(key)) return Error{"duplicate", "the call is already queued"};
  Queue* queue = configured_queue(queue_name);
  if (!queue) return Error{"not_found", "no queue " + queue_name};
  // A callback holds no line and keeps no one listening to music: the limit is not for it.
  if (!callback && queue->config.max_length > 0 &&
      queue->line.size() + static_cast<int>(queue->offered.size()) >= queue->config.max_length) {
    return Error{"queue_full", "queue " + queue_name + " is full"};
  }
  auto [it, inserted] = calls_.try_emplace(key);
  Call& call = it->second;
  call.key = std::move(key);
  call.queue = queue;
  call.priority = priority;
  call.enqueued_at = now;
  call.seq = next_seq_++;
  call.callback = callback;
  queue->line.insert(priority, call.entry());
  queue->predictor.observe(now);
  mark_dirty(*queue);
  return queue->line.position(priority, call.entry());
}

std::optional<WaitingCall> AcdEngine::remove_call(const CallKey& key, EpochMs now, bool abandoned) {
  Call* call = find_call(key);
  if (!call) return std::nullopt;
  WaitingCall removed = describe(*call);
  Queue& queue = *call->queue;
  if (call->ringing.empty()) {
    queue.line.erase(call->priority, call->entry());
  } else {
    queue.offered.erase(call);
    for (AgentId id : call->ringing) {
      change(agents_.at(id), AgentState::ready, abandoned ? "abandoned" : "withdrawn", {}, now,
             true);
    }
  }
  if (abandoned) ++queue.counters.abandoned;
  calls_.erase(key);
  return removed;
}

std::optional<WaitingCall> AcdEngine::abandon(const CallKey& key, EpochMs now) {
  return remove_call(key, now, true);
}

std::optional<WaitingCall> AcdEngine::withdraw(const CallKey& key, EpochMs now) {
  return remove_call(key, now, false);
}

Status AcdEngine::move_to(const CallKey& key, const std::string& other_queue, EpochMs now) {
  Call* call = find_call(key);
  if (!call) return Error{"not_found", "no waiting call " + key};
  Queue* target = configured_queue(other_queue);
  if (!target) return Error{"not_found", "no queue " + other_queue};
  if (!call->ringing.empty()) return Error{"invalid_state", "the call is being offered"};
  if (target == call->queue) return ok_status();
  if (target->config.max_length > 0 &&
      target->line.size() + static_cast<int>(target->offered.size()) >= target->config.max_length) {
    return Error{"queue_full", "queue " + other_queue + " is full"};
  }
  call->queue->line.erase(call->priority, call->entry());
  call->queue = target;
  target->line.insert(call->priority, call->entry());
  target->predictor.observe(now);
  mark_dirty(*target);
  return ok_status();
}

int AcdEngine::eligible_tier(const Queue& queue, EpochMs enqueued_at, EpochMs now) const {
  const EpochMs step = queue.config.tier_wait_seconds * kMsPerSecond;
  if (step <= 0) return std::numeric_limits<int>::max();
  const EpochMs steps = std::max<EpochMs>(0, now - enqueued_at) / step;
  return static_cast<int>(std::min<EpochMs>(steps, std::numeric_limits<int>::max() - 1)) + 1;
}

// The first call in call order that has a ready agent in an eligible tier, with the lowest
// such tier. Only the head of each priority level can be the first eligible one of its level.
std::optional<AcdEngine::Match> AcdEngine::best_match(const Queue& queue, EpochMs now) {
  if (!queue.configured || queue.line.empty()) return std::nullopt;
  const auto tier = queue.ready.lowest_tier();
  if (!tier) return std::nullopt;
  for (const auto& [priority, level] : queue.line.levels()) {
    const LineEntry& head = *level.begin();
    if (eligible_tier(queue, head.enqueued_at, now) >= *tier) {
      return Match{&calls_.at(*head.call), *tier};
    }
  }
  return std::nullopt;
}

// Remembers when the earliest level head becomes eligible for the lowest tier with a ready
// agent, so that dispatch looks at this queue again then although nothing else changes.
void AcdEngine::schedule_escalation(Queue& queue, EpochMs now) {
  if (queue.escalation_at) escalations_.erase({*queue.escalation_at, &queue});
  queue.escalation_at.reset();
  const auto tier = queue.ready.lowest_tier();
  const EpochMs step = queue.config.tier_wait_seconds * kMsPerSecond;
  if (!queue.configured || !tier || queue.line.empty() || step <= 0) return;
  EpochMs earliest = std::numeric_limits<EpochMs>::max();
  for (const auto& [priority, level] : queue.line.levels()) {
    earliest = std::min(earliest, level.begin()->enqueued_at + (*tier - 1) * step);
  }
  queue.escalation_at = std::max(earliest, now);
  escalations_.insert({*queue.escalation_at, &queue});
}

std::optional<EpochMs> AcdEngine::next_escalation() const {
  if (escalations_.empty()) return std::nullopt;
  return escalations_.begin()->first;
}

Offer AcdEngine::offer(Queue& queue, const Match& match, EpochMs now) {
  Call& call = *match.call;
  std::vector<AgentId> agents =
      queue.ready.pick(queue.config.strategy, match.tier, queue.round_robin_last);
  if (queue.config.strategy == Strategy::round_robin) {
    queue.round_robin_last = queue.members.at(agents.front()).rank.position;
  }
  queue.line.erase(call.priority, call.entry());
  queue.offered.insert(&call);
  call.ringing = agents;
  for (AgentId id : agents) change(agents_.at(id), AgentState::ringing, {}, call.key, now);
  return Offer{call.key, queue.config.name, std::move(agents)};
}

std::vector<Offer> AcdEngine::dispatch(EpochMs now) {
  while (!escalations_.empty() && escalations_.begin()->first <= now) {
    Queue* queue = escalations_.begin()->second;
    escalations_.erase(escalations_.begin());
    queue->escalation_at.reset();
    mark_dirty(*queue);
  }
  // Candidates from every queue to look at, best call first. Matching only removes agents and
  // calls, so a queue's true best can only be worse than its candidate: a popped candidate is
  // checked again and, if it changed, pushed back in its new place.
  struct Candidate {
    Call* call;
    Queue* queue;
  };
  const auto after = [](const Candidate& a, const Candidate& b) {
    if (a.call->priority != b.call->priority) return a.call->priority < b.call->priority;
    return b.call->entry() < a.call->entry();
  };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(after)> candidates(after);
  for (Queue* queue : std::exchange(dirty_, {})) {
    queue->dirty = false;
    if (auto match = best_match(*queue, now)) {
      candidates.push({match->call, queue});
    } else {
      schedule_escalation(*queue, now);
    }
  }
  std::vector<Offer> offers;
  while (!candidates.empty()) {
    const Candidate top = candidates.top();
    candidates.pop();
    const auto match = best_match(*top.queue, now);
    if (!match) {
      schedule_escalation(*top.queue, now);
    } else if (match->call != top.call) {
      candidates.push({match->call, top.queue});
    } else {
      offers.push_back(offer(*top.queue, *match, now));
      if (auto next = best_match(*top.queue, now)) {
        candidates.push({next->call, top.queue});
      } else {
        schedule_escalation(*top.queue, now);
      }
    }
  }
  return offers;
}

Result<std::vector<AgentId>> AcdEngine::answered(const CallKey& key, AgentId id, EpochMs now) {
  Call* call = find_call(key);
  if (!call) return Error{"not_found", "no waiting call " + key};
  Agent* agent = find_agent(id);
  if (!agent) return Error{"not_found", "no agent " + std::to_string(id)};
  if (agent->state != AgentState::ringing || agent->call != key) {
    return Error{"invalid_state", "the call is not offered to this agent"};
  }
  Queue& queue = *call->queue;
  const EpochMs waited = now - call->enqueued_at;
  ++queue.counters.answered;
  if (waited <= kServiceLevel15) ++queue.counters.within_15s;
  if (waited <= kServiceLevel20) ++queue.counters.within_20s;
  queue.predictor.departed(now);
  queue.offered.erase(call);

  std::vector<AgentId> others;
  for (AgentId other : call->ringing) {
    if (other != id) others.push_back(other);
  }
  agent->call_queue = &queue;
  agent->answered_at = now;
  agent->talk_counted_from = now;
  ++agent->stats.answered;
  change(*agent, AgentState::talking, {}, key, now);
  for (AgentId other : others) {
    change(agents_.at(other), AgentState::ready, "answered_elsewhere", {}, now, true);
  }
  calls_.erase(key);
  return others;
}

Status AcdEngine::offer_failed(const CallKey& key, AgentId id, const std::string& reason,
                               EpochMs now) {
  Call* call = find_call(key);
  if (!call) return Error{"not_found", "no waiting call " + key};
  Agent* agent = find_agent(id);
  if (!agent) return Error{"not_found", "no agent " + std::to_string(id)};
  if (agent->state != AgentState::ringing || agent->call != key) {
    return Error{"invalid_state", "the call is not offered to this agent"};
  }
  std::erase(call->ringing, id);
  change(*agent, AgentState::not_ready, reason.empty() ? "no_answer" : reason, {}, now);
  if (call->ringing.empty()) {
    Queue& queue = *call->queue;
    queue.offered.erase(call);
    queue.line.insert(call->priority, call->entry());
    mark_dirty(queue);
  }
  return ok_status();
}

std::vector<CallKey> AcdEngine::over_max_wait(EpochMs now) const {
  std::vector<const Queue*> limited;
  for (const auto& [name, queue] : queues_) {
    if (queue.configured && queue.config.max_wait_seconds > 0) limited.push_back(&queue);
  }
  std::sort(limited.begin(), limited.end(),
            [](const Queue* a, const Queue* b) { return a->config.name < b->config.name; });
  std::vector<CallKey> over;
  for (const Queue* queue : limited) {
    const EpochMs cutoff = now - queue->config.max_wait_seconds * kMsPerSecond;
    for (const auto& [priority, level] : queue->line.levels()) {
      for (auto it = level.begin(); it != level.end() && it->enqueued_at <= cutoff; ++it) {
        over.push_back(*it->call);
      }
    }
  }
  return over;
}

// --- Observation ---

WaitingCall AcdEngine::describe(const Call& call) const {
  WaitingCall described;
  described.call = call.key;
  described.queue = call.queue->config.name;
  described.priority = call.priority;
  described.enqueued_at = call.enqueued_at;
  described.offered = !call.ringing.empty();
  described.callback = call.callback;
  return described;
}

std::optional<int> AcdEngine::position(const CallKey& key) const {
  auto it = calls_.find(key);
  if (it == calls_.end()) return std::nullopt;
  const Call& call = it->second;
  if (!call.ringing.empty()) return 0;
  return call.queue->line.position(call.priority, call.entry());
}

std::optional<int> AcdEngine::predicted_wait_seconds(const CallKey& key, EpochMs now) const {
  auto it = calls_.find(key);
  if (it == calls_.end()) return std::nullopt;
  const Call& call = it->second;
  if (!call.ringing.empty()) return 0;
  const Queue& queue = *call.queue;
  const auto tier = queue.ready.lowest_tier();
  if (tier && eligible_tier(queue, call.enqueued_at, now) >= *tier) return 0;
  const int logged_in = static_cast<int>(queue.members.size()) -
                        queue.members_by_state[index(AgentState::logged_out)];
  return queue.predictor.predict_seconds(queue.line.position(call.priority, call.entry()),
                                         logged_in, now);
}

std::optional<WaitingCall> AcdEngine::waiting(const CallKey& key) const {
  auto it = calls_.find(key);
  if (it == calls_.end()) return std::nullopt;
  return describe(it->second);
}

QueueSnapshot AcdEngine::snapshot(const Queue& queue, EpochMs now) const {
  QueueSnapshot snap;
  snap.name = queue.config.name;
  snap.waiting = queue.line.size() + static_cast<int>(queue.offered.size());
  EpochMs earliest = now;
  for (const auto& [priority, level] : queue.line.levels()) {
    earliest = std::min(earliest, level.begin()->enqueued_at);
  }
  for (const Call* call : queue.offered) earliest = std::min(earliest, call->enqueued_at);
  snap.longest_wait_ms = now - earliest;
  for (int state = 0; state < kAgentStateCount; ++state) {
    snap.members_by_state[static_cast<AgentState>(state)] = queue.members_by_state[state];
  }
  snap.answered = queue.counters.answered;
  snap.answered_within_15s = queue.counters.within_15s;
  snap.answered_within_20s = queue.counters.within_20s;
  snap.abandoned = queue.counters.abandoned;
  return snap;
}

std::optional<QueueSnapshot> AcdEngine::queue_snapshot(const std::string& name, EpochMs now) const {
  const Queue* queue = configured_queue(name);
  if (!queue) return std::nullopt;
  return snapshot(*queue, now);
}

std::vector<QueueSnapshot> AcdEngine::queues(EpochMs now) const {
  std::vector<QueueSnapshot> all;
  for (const auto& [name, queue] : queues_) {
    if (queue.configured) all.push_back(snapshot(queue, now));
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return all;
}

AgentSnapshot AcdEngine::snapshot(const Agent& agent) const {
  AgentSnapshot snap;
  snap.id = agent.id;
  snap.state = agent.state;
  snap.reason = agent.reason;
  snap.since = agent.since;
  snap.call = agent.call;
  snap.after_call = agent.after_call;
  if (agent.after_call) snap.after_call_reason = agent.after_call_reason;
  if (agent.state == AgentState::wrap_up) snap.wrap_up_until = agent.wrap_up_until;
  snap.answered = agent.stats.answered;
  snap.talk_ms = agent.stats.talk_ms;
  snap.idle_since = agent.stats.idle_since;
  for (const Queue* queue : agent.queues) {
    const Member& member = queue->members.at(agent.id);
    snap.memberships.push_back({queue->config.name, member.tier, member.rank.level});
  }
  return snap;
}

std::optional<AgentSnapshot> AcdEngine::agent(AgentId id) const {
  auto it = agents_.find(id);
  if (it == agents_.end()) return std::nullopt;
  return snapshot(it->second);
}

std::vector<AgentSnapshot> AcdEngine::agents() const {
  std::vector<AgentSnapshot> all;
  all.reserve(agents_.size());
  for (const auto& [id, agent] : agents_) all.push_back(snapshot(agent));
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return all;
}

void AcdEngine::reset_counters(EpochMs now) {
  for (auto& [id, agent] : agents_) {
    agent.stats.answered = 0;
    agent.stats.talk_ms = 0;
    agent.talk_counted_from = now;
  }
  for (auto& [name, queue] : queues_) {
    queue.counters = {};
    if (queue.config.strategy == Strategy::fewest_calls ||
        queue.config.strategy == Strategy::least_talk_time) {
      rekey(queue);
    }
  }
}

std::vector<StateChange> AcdEngine::take_changes() {
  return std::exchange(changes_, {});
}

}  // namespace hotline::acd
