#include "media/tone_generator.hpp"

#include <cmath>
#include <numbers>

#include "media/media_constants.hpp"

namespace hotline::media {

namespace tones {
ToneSpec dial() {
  return ToneSpec{};
}
ToneSpec ringback() {
  return ToneSpec{{450, 0}, -10, {1000, 4000, 0, 0}};
}
ToneSpec busy() {
  return ToneSpec{{450, 0}, -10, {350, 350, 0, 0}};
}
ToneSpec congestion() {
  return ToneSpec{{450, 0}, -10, {700, 700, 0, 0}};
}
ToneSpec call_waiting() {
  return ToneSpec{{450, 0}, -10, {400, 4000, 0, 0}};
}
}  // namespace tones

namespace {
// A full-scale sine in G.711 is +3.14 dBm0 (G.711 section 4).
constexpr double kFullScaleDbm0 = 3.14;
}  // namespace

ToneGenerator::ToneGenerator(const ToneSpec& spec) : spec_(spec) {
  const int active = (spec.frequencies_hz[0] > 0) + (spec.frequencies_hz[1] > 0);
  // Each component gets the level; split the peak so a dual tone cannot clip.
  amplitude_ = 32767.0 * std::pow(10.0, (spec.level_dbm0 - kFullScaleDbm0) / 20.0);
  if (active == 2 && amplitude_ > 16383.0) amplitude_ = 16383.0;
  for (std::size_t i = 0; i < 2; ++i)
    phase_step_[i] = 2.0 * std::numbers::pi * spec.frequencies_hz[i] / kSampleRate;
  for (const int ms : spec.cadence_ms)
    cadence_period_ += static_cast<std::uint64_t>(ms) * kSampleRate / 1000;
}

bool ToneGenerator::tone_on(std::uint64_t sample) const {
  if (cadence_period_ == 0) return true;
  std::uint64_t offset = sample % cadence_period_;
  for (std::size_t i = 0; i < spec_.cadence_ms.size(); ++i) {
    const auto length = static_cast<std::uint64_t>(spec_.cadence_ms[i]) * kSampleRate / 1000;
    if (offset < length) return i % 2 == 0;
    offset -= length;
  }
  return false;
}

void ToneGenerator::fill(std::span<std::int16_t> out) {
  for (auto& sample : out) {
    double value = 0.0;
    const bool on = tone_on(position_);
    for (std::size_t i = 0; i < 2; ++i) {
      if (spec_.frequencies_hz[i] <= 0) continue;
      if (on) value += amplitude_ * std::sin(phase_[i]);
      phase_[i] += phase_step_[i];
      if (phase_[i] >= 2.0 * std::numbers::pi) phase_[i] -= 2.0 * std::numbers::pi;
    }
    sample = static_cast<std::int16_t>(std::lround(value));
    ++position_;
  }
}

}  // namespace hotline::media
