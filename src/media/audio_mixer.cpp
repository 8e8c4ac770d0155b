#include "media/audio_mixer.hpp"

#include <algorithm>
#include <array>

namespace hotline::media {

bool reaches(const MixerParty& speaker, const MixerParty& listener) {
  if (speaker.id == listener.id) return false;
  switch (speaker.mode) {
    case PartyMode::speak_to_all:
      return true;
    case PartyMode::speak_to_one:
      return speaker.target == listener.id;
    case PartyMode::speak_to_none:
      return false;
  }
  return false;
}

void mix_frame(std::span<const MixerParty> parties) {
  std::array<std::int32_t, kFrameSamples> sum{};
  for (const auto& listener : parties) {
    if (!listener.output) continue;
    sum.fill(0);
    for (const auto& speaker : parties) {
      if (!speaker.input || !reaches(speaker, listener)) continue;
      for (std::size_t i = 0; i < kFrameSamples; ++i) sum[i] += speaker.input[i];
    }
    for (std::size_t i = 0; i < kFrameSamples; ++i)
      listener.output[i] = static_cast<std::int16_t>(std::clamp(sum[i], -32768, 32767));
  }
}

}  // namespace hotline::media
