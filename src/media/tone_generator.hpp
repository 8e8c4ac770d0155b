#pragma once
// Call-progress tones as sine pairs with an on/off cadence. The presets are the Chinese
// national tones (YD/T 1084 / GF002): 450 Hz for all of them, told apart by cadence.
#include <array>
#include <cstdint>
#include <span>

namespace hotline::media {

struct ToneSpec {
  std::array<int, 2> frequencies_hz{450, 0};  // 0: unused
  int level_dbm0 = -10;
  // Alternating on/off durations, starting with "on"; all zero means continuous.
  std::array<int, 4> cadence_ms{0, 0, 0, 0};
};

namespace tones {
ToneSpec dial();          // continuous
ToneSpec ringback();      // 1 s on, 4 s off
ToneSpec busy();          // 0.35 s on, 0.35 s off
ToneSpec congestion();    // 0.7 s on, 0.7 s off
ToneSpec call_waiting();  // 0.4 s on, 4 s off
}  // namespace tones

class ToneGenerator {
 public:
  explicit ToneGenerator(const ToneSpec& spec);
  void fill(std::span<std::int16_t> out);

 private:
  bool tone_on(std::uint64_t sample) const;

  ToneSpec spec_;
  double amplitude_;
  std::array<double, 2> phase_{};
  std::array<double, 2> phase_step_{};
  std::uint64_t cadence_period_ = 0;  // samples; 0: continuous
  std::uint64_t position_ = 0;
};

}  // namespace hotline::media
