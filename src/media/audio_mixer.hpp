#pragma once
// Who hears whom. Every party hears every other party whose speech reaches it:
//   speak_to_all  - everyone hears this party (normal call, conference, supervisor barge-in)
//   speak_to_one  - only `target` hears this party (supervisor whispering to the agent)
//   speak_to_none - nobody hears this party (silent listening)
// Sums are saturated to 16 bits. With two speak_to_all parties this is a plain bridge and each
// side gets the other's samples unchanged.
#include <cstdint>
#include <span>

#include "media/media_constants.hpp"

namespace hotline::media {

enum class PartyMode { speak_to_all, speak_to_one, speak_to_none };

struct MixerParty {
  std::uint64_t id = 0;
  PartyMode mode = PartyMode::speak_to_all;
  std::uint64_t target = 0;             // for speak_to_one
  const std::int16_t* input = nullptr;  // kFrameSamples samples, or nullptr for silence
  std::int16_t* output = nullptr;       // kFrameSamples samples
};

bool reaches(const MixerParty& speaker, const MixerParty& listener);
void mix_frame(std::span<const MixerParty> parties);

}  // namespace hotline::media
