#include "media/media_event_queue.hpp"

namespace hotline::media {

void MediaEventQueue::set_notifier(Notifier notifier) {
  std::lock_guard lock(mutex_);
  notifier_ = std::move(notifier);
}

void MediaEventQueue::push(MediaEvent event) {
  Notifier notifier;
  {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
    notifier = notifier_;
  }
  ready_.notify_one();
  if (notifier) notifier();
}

std::optional<MediaEvent> MediaEventQueue::try_pop() {
  std::lock_guard lock(mutex_);
  if (events_.empty()) return std::nullopt;
  auto event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::optional<MediaEvent> MediaEventQueue::wait_pop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!ready_.wait_for(lock, timeout, [this] { return !events_.empty(); })) return std::nullopt;
  auto event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::size_t MediaEventQueue::size() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

}  // namespace hotline::media
