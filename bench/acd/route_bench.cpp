// One routing decision at scale: 10,000 agents, each in 1-3 of 50 queues, and 5,000 waiting
// calls. Queues 0-39 are busy (every call waits, their agents are not ready); queues 40-49 are
// quiet (agents ready, no call waits), every strategy among them. Two operations are timed:
//   agent_ready:   a busy agent turns ready -> request_state + dispatch offers it a call
//   call_enqueued: a call arrives in a quiet queue -> enqueue + dispatch offers it to an agent
// Between timed steps (untimed) the offer is answered and the call finished, and a replacement
// call is enqueued, so the population stays the same. Each sample is one decision, timed with
// steady_clock; p50 and p99 are reported per operation, and finally
//   RESULT route_p99_us=X agents=10000 waiting=5000   (X: the worse of the two p99s)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "acd/acd_engine.hpp"

namespace {

using hotline::EpochMs;
using namespace hotline::acd;

constexpr int kAgents = 10000;
constexpr int kBusyAgents = 8000;
constexpr int kQueues = 50;
constexpr int kBusyQueues = 40;
constexpr int kWaiting = 5000;
constexpr int kSamples = 20000;
constexpr EpochMs kStart = 1'800'000'000'000;

// Appends rather than `"q" + std::to_string(n)`, which trips g++ 12's -Wrestrict in Release.
std::string numbered(std::string prefix, int n) {
  prefix += std::to_string(n);
  return prefix;
}

std::string queue_name(int index) {
  return numbered("q", index);
}

struct Population {
  AcdEngine engine;
  std::mt19937 random{42};
  EpochMs now = kStart;
  int next_call = 0;

  int between(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); }

  void enqueue_busy(int queue, EpochMs at) {
    const int priority = between(0, 9) == 0 ? between(1, 3) : 0;
    auto position = engine.enqueue(numbered("call-", next_call++), queue_name(queue), priority, at);
    if (!position) std::abort();
  }

  Population() {
    constexpr Strategy kBusyStrategies[] = {Strategy::longest_idle, Strategy::round_robin,
                                            Strategy::fewest_calls, Strategy::least_talk_time,
                                            Strategy::skills,       Strategy::ring_all};
    // ring_all rings every ready agent of a tier: on the quiet queues, where hundreds are
    // ready, that would time hundreds of offers, not one decision.
    constexpr Strategy kQuietStrategies[] = {Strategy::longest_idle, Strategy::round_robin,
                                             Strategy::fewest_calls, Strategy::least_talk_time,
                                             Strategy::skills};
    for (int q = 0; q < kQueues; ++q) {
      QueueConfig config;
      config.name = queue_name(q);
      config.strategy = q < kBusyQueues ? kBusyStrategies[q % 6] : kQuietStrategies[q % 5];
      engine.upsert_queue(config);
    }
    for (AgentId id = 0; id < kAgents; ++id) {
      const bool busy = id < kBusyAgents;
      std::vector<Membership> memberships;
      for (int n = between(1, 3); n > 0; --n) {
        const int q = busy ? between(0, kBusyQueues - 1) : between(kBusyQueues, kQueues - 1);
        memberships.push_back({queue_name(q), between(1, 5) == 1 ? 2 : 1, between(1, 10)});
      }
      engine.set_memberships(id, std::move(memberships));
      const AgentState state = busy ? AgentState::not_ready : AgentState::ready;
      if (!engine.request_state(id, state, busy ? "小休" : "", now - between(0, 600'000))) {
        std::abort();
      }
    }
    for (int i = 0; i < kWaiting; ++i) {
      enqueue_busy(between(0, kBusyQueues - 1), now - between(0, 600'000));
    }
    if (!engine.dispatch(now).empty()) std::abort();  // nothing routable yet
    engine.take_changes();
  }

  // Untimed: the offered agents answer and finish, ending in `after` (ready or not_ready).
  void serve(const Offer& offer, AgentState after) {
    const AgentId agent = offer.agents.front();
    if (!engine.answered(offer.call, agent, now)) std::abort();
    if (!engine.call_finished(agent, now + 1)) std::abort();
    if (after == AgentState::not_ready) (void)engine.request_state(agent, after, "小休", now + 1);
    if (!engine.end_wrap_up(agent, now + 2)) std::abort();
  }
};

// Runs `decide` (timed: one routing decision, returning its offers) once per iteration, then
// `settle` (untimed: restores the population). Returns the decision times in microseconds.
template <typename Decide, typename Settle>
std::vector<double> timed_samples(benchmark::State& state, Population& population, Decide decide,
                                  Settle settle) {
  std::vector<double> micros;
  micros.reserve(kSamples);
  for (auto _ : state) {
    population.now += 50;
    const auto begin = std::chrono::steady_clock::now();
    const std::vector<Offer> offers = decide();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - begin;
    state.SetIterationTime(elapsed.count());
    micros.push_back(elapsed.count() * 1e6);
    if (offers.size() > 1) {
      state.SkipWithError("one decision offered several calls");
      break;
    }
    settle(offers);
    population.engine.take_changes();
  }
  return micros;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(rank), values.end());
  return values[rank];
}

double worst_p99 = 0;

void report(benchmark::State& state, const std::vector<double>& micros) {
  const double p99 = percentile(micros, 0.99);
  state.counters["p50_us"] = percentile(micros, 0.50);
  state.counters["p99_us"] = p99;
  worst_p99 = std::max(worst_p99, p99);
}

// A busy agent turns ready and takes the best call among its queues.
void agent_ready(benchmark::State& state) {
  Population population;
  AgentId agent = -1;
  int offered = 0;
  const auto micros = timed_samples(
      state, population,
      [&] {
        agent = (agent + 1) % kBusyAgents;
        (void)population.engine.request_state(agent, AgentState::ready, "", population.now);
        return population.engine.dispatch(population.now);
      },
      [&](const std::vector<Offer>& offers) {
        if (offers.empty()) {  // only ineligible tiers: rare, still a decision
          (void)population.engine.request_state(agent, AgentState::not_ready, "小休",
                                                population.now);
          return;
        }
        ++offered;
        population.serve(offers.front(), AgentState::not_ready);
        const int queue = std::stoi(offers.front().queue.substr(1));
        population.enqueue_busy(queue, population.now);
        if (!population.engine.dispatch(population.now).empty()) std::abort();
      });
  state.counters["offered_pct"] = 100.0 * offered / static_cast<double>(micros.size());
  report(state, micros);
}

// A call arrives in a quiet queue and is offered to one of its ready agents.
void call_enqueued(benchmark::State& state) {
  Population population;
  std::string call = "call-first";
  std::string queue = queue_name(kBusyQueues);
  const auto micros = timed_samples(
      state, population,
      [&] {
        (void)population.engine.enqueue(call, queue, 0, population.now);
        return population.engine.dispatch(population.now);
      },
      [&](const std::vector<Offer>& offers) {
        if (offers.empty()) std::abort();
        population.serve(offers.front(), AgentState::ready);
        if (!population.engine.dispatch(population.now).empty()) std::abort();
        call = numbered("call-", population.next_call++);
        queue = queue_name(population.between(kBusyQueues, kQueues - 1));
      });
  report(state, micros);
}

}  // namespace

BENCHMARK(agent_ready)->UseManualTime()->Iterations(kSamples)->Unit(benchmark::kMicrosecond);
BENCHMARK(call_enqueued)->UseManualTime()->Iterations(kSamples)->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::printf("RESULT route_p99_us=%.1f agents=%d waiting=%d\n", worst_p99, kAgents, kWaiting);
  return 0;
}
