#pragma once
// Circuit breaker for a data source: after `failure_threshold` consecutive failures the source
// is not called for `cool_down_ms`, so that callers hear the fallback at once instead of
// waiting for a timeout each; then one trial request is let through (half-open) and its result
// closes or reopens the circuit. Thread-safe: requests start on the control thread and finish
// on the source's I/O thread.
#include <functional>
#include <mutex>
#include <string_view>

#include "common/clock.hpp"

namespace hotline::ivr {

class CircuitBreaker {
 public:
  struct Settings {
    int failure_threshold = 5;
    int cool_down_ms = 30'000;
  };
  enum class State { closed, open, half_open };
  using Clock = std::function<EpochMs()>;

  explicit CircuitBreaker(Settings settings, Clock clock = now_ms);

  // True when a request may go out now. In the open state after the cool-down this admits one
  // trial (the state becomes half_open) and refuses others until that trial reports back.
  bool allow_request();
  void record_success();
  void record_failure();
  // A request that was admitted but never sent (e.g. refused for another reason) gives its
  // half-open trial back.
  void cancel_request();

  State state() const;
  int consecutive_failures() const;

 private:
  Settings settings_;
  Clock clock_;
  mutable std::mutex mutex_;
  State state_ = State::closed;
  int consecutive_failures_ = 0;
  EpochMs opened_at_ = 0;
  bool trial_in_flight_ = false;
};

std::string_view to_string(CircuitBreaker::State state);

}  // namespace hotline::ivr
