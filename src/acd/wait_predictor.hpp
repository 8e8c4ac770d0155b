#pragma once
// Predicted wait from a queue's recent service, not a fixed average.
//
// The predictor keeps the times calls left the queue to an agent over a sliding window and the
// recent handle times (answer to end of wrap-up). For a caller at position p:
//   enough history (>= min_departures answers in the window):
//     rate = departures in the window / observed span   (calls per second)
//     wait = ceil(p / rate)
//     observed span = now - max(now - window, first activity seen)
//   otherwise:
//     wait = ceil(p * mean handle time (default_handle_ms without samples) / max(1, logged in))
// The wait already spent is not subtracted: the answer is time from now. The engine answers 0
// itself when an eligible agent is ready.
#include <cstddef>
#include <deque>
#include <optional>

#include "common/clock.hpp"

namespace hotline::acd {

struct PredictorSettings {
  EpochMs window_ms = 30 * 60 * 1000;
  std::size_t max_departures = 1000;  // caps memory and work on very busy queues
  std::size_t min_departures = 3;
  std::size_t max_handle_samples = 50;
  EpochMs default_handle_ms = 180 * 1000;
};

class WaitPredictor {
 public:
  explicit WaitPredictor(PredictorSettings settings = {}) : settings_(settings) {}

  // Any queue activity (a call enqueued): starts the observed span.
  void observe(EpochMs now);
  // A call left the queue to an agent.
  void departed(EpochMs at);
  // A call's handle time, answer to end of wrap-up.
  void handled(EpochMs handle_ms);

  // Calls per second over the window, or nothing with too little history.
  std::optional<double> service_rate(EpochMs now) const;
  // Seconds until a caller at `position` (1-based) is answered.
  int predict_seconds(int position, int logged_in_members, EpochMs now) const;

 private:
  struct Throughput {
    EpochMs departures = 0;
    EpochMs span_ms = 0;
  };
  std::optional<Throughput> throughput(EpochMs now) const;

  PredictorSettings settings_;
  std::optional<EpochMs> observed_since_;
  std::deque<EpochMs> departures_;  // ascending
  std::deque<EpochMs> handle_ms_;
};

}  // namespace hotline::acd
