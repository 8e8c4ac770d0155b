#pragma once
// What callers waiting in a queue hear: spoken announcements (position, predicted wait) and the
// queue's music. The daemon supplies it from the IVR's prompts and speech synthesis, so the ACD
// needs neither. Callbacks run on the control thread.
#include <functional>
#include <string>

#include "common/result.hpp"
#include "media/player.hpp"

namespace hotline::acd {

class QueueAudio {
 public:
  using Done = std::function<void(Result<media::PlayRequest>)>;
  virtual ~QueueAudio() = default;
  // `text` spoken once (Mandarin).
  virtual void announcement(const std::string& text, Done done) = 0;
  // The queue's music, looped: the prompt named `prompt`, or the built-in music when empty or
  // unknown.
  virtual void music(const std::string& prompt, Done done) = 0;
};

}  // namespace hotline::acd
