#include "ivr/circuit_breaker.hpp"

#include <utility>

namespace hotline::ivr {

CircuitBreaker::CircuitBreaker(Settings settings, Clock clock)
    : settings_(settings), clock_(std::move(clock)) {
  if (settings_.failure_threshold < 1) settings_.failure_threshold = 1;
  if (settings_.cool_down_ms < 0) settings_.cool_down_ms = 0;
}

bool CircuitBreaker::allow_request() {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case State::closed:
      return true;
    case State::open:
      if (clock_() - opened_at_ < settings_.cool_down_ms) return false;
      state_ = State::half_open;
      trial_in_flight_ = true;
      return true;
    case State::half_open:
      if (trial_in_flight_) return false;
      trial_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::record_success() {
  std::lock_guard lock(mutex_);
  state_ = State::closed;
  consecutive_failures_ = 0;
  trial_in_flight_ = false;
}

void CircuitBreaker::record_failure() {
  std::lock_guard lock(mutex_);
  ++consecutive_failures_;
  trial_in_flight_ = false;
  // A failed trial reopens at once; a closed circuit opens at the threshold.
  if (state_ == State::half_open || consecutive_failures_ >= settings_.failure_threshold) {
    state_ = State::open;
    opened_at_ = clock_();
  }
}

void CircuitBreaker::cancel_request() {
  std::lock_guard lock(mutex_);
  trial_in_flight_ = false;
}

CircuitBreaker::State CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

int CircuitBreaker::consecutive_failures() const {
  std::lock_guard lock(mutex_);
  return consecutive_failures_;
}

std::string_view to_string(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::closed:
      return "closed";
    case CircuitBreaker::State::open:
      return "open";
    case CircuitBreaker::State::half_open:
      return "half_open";
  }
  return "closed";
}

}  // namespace hotline::ivr
