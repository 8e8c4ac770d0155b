#include "acd/wait_predictor.hpp"

#include <algorithm>
#include <numeric>

namespace hotline::acd {

namespace {

// Integer arithmetic, so that an exact rate gives an exact answer.
EpochMs ceil_div(EpochMs numerator, EpochMs denominator) {
  return (numerator + denominator - 1) / denominator;
}

}  // namespace

void WaitPredictor::observe(EpochMs now) {
  if (!observed_since_ || now < *observed_since_) observed_since_ = now;
}

void WaitPredictor::departed(EpochMs at) {
  observe(at);
  departures_.push_back(at);
  while (departures_.size() > settings_.max_departures ||
         departures_.front() < at - settings_.window_ms) {
    departures_.pop_front();
  }
}

void WaitPredictor::handled(EpochMs handle_ms) {
  handle_ms_.push_back(std::max<EpochMs>(0, handle_ms));
  if (handle_ms_.size() > settings_.max_handle_samples) handle_ms_.pop_front();
}

std::optional<WaitPredictor::Throughput> WaitPredictor::throughput(EpochMs now) const {
  const EpochMs window_start = now - settings_.window_ms;
  const auto first = std::lower_bound(departures_.begin(), departures_.end(), window_start);
  const auto count = static_cast<std::size_t>(departures_.end() - first);
  if (count < settings_.min_departures || !observed_since_) return std::nullopt;
  const EpochMs span_ms = now - std::max(window_start, *observed_since_);
  if (span_ms <= 0) return std::nullopt;
  return Throughput{static_cast<EpochMs>(count), span_ms};
}

std::optional<double> WaitPredictor::service_rate(EpochMs now) const {
  const auto recent = throughput(now);
  if (!recent) return std::nullopt;
  return static_cast<double>(recent->departures) * 1000.0 / static_cast<double>(recent->span_ms);
}

int WaitPredictor::predict_seconds(int position, int logged_in_members, EpochMs now) const {
  if (const auto recent = throughput(now)) {
    // position / (departures / span)
    return static_cast<int>(ceil_div(position * recent->span_ms, recent->departures * 1000));
  }
  const EpochMs handle_ms =
      handle_ms_.empty() ? settings_.default_handle_ms
                         : std::accumulate(handle_ms_.begin(), handle_ms_.end(), EpochMs{0}) /
                               static_cast<EpochMs>(handle_ms_.size());
  return static_cast<int>(
      ceil_div(position * handle_ms, 1000 * std::max<EpochMs>(1, logged_in_members)));
}

}  // namespace hotline::acd
