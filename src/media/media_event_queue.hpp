#pragma once
// Events from media workers and recording threads to the control thread. Producers are on any
// thread; the notifier (if set) is called after each push, outside the lock, so the control
// side can post a wake-up to its io_context. Events are rare (digits, prompts ending, reports
// every few seconds), never per packet.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

#include "media/media_events.hpp"

namespace hotline::media {

class MediaEventQueue {
 public:
  using Notifier = std::function<void()>;

  // Set before the engine starts producing; the notifier must not block.
  void set_notifier(Notifier notifier);
  void push(MediaEvent event);
  std::optional<MediaEvent> try_pop();
  std::optional<MediaEvent> wait_pop(std::chrono::milliseconds timeout);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<MediaEvent> events_;
  Notifier notifier_;
};

}  // namespace hotline::media
