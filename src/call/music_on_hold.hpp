#pragma once
// The built-in music on hold, until a site supplies its own (a queue can name a prompt).
#include "media/player.hpp"

namespace hotline::call {

// A slow, quiet three-note phrase, looped.
media::PlayRequest music_on_hold();

}  // namespace hotline::call
