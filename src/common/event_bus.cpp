#include "common/event_bus.hpp"

#include <vector>

namespace hotline {

EventBus::Subscription& EventBus::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    bus_ = std::move(other.bus_);
    id_ = other.id_;
    other.id_ = 0;
  }
  return *this;
}

void EventBus::Subscription::reset() {
  if (id_ == 0) return;
  if (auto bus = bus_.lock()) (*bus)->unsubscribe(id_);
  id_ = 0;
}

EventBus::Subscription EventBus::subscribe(Handler handler) {
  std::lock_guard lock(mutex_);
  const auto id = next_id_++;
  handlers_.emplace(id, std::make_shared<Handler>(std::move(handler)));
  return Subscription(self_, id);
}

void EventBus::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  handlers_.erase(id);
}

void EventBus::publish(const Event& event) {
  std::vector<std::shared_ptr<Handler>> targets;
  {
    std::lock_guard lock(mutex_);
    targets.reserve(handlers_.size());
    for (const auto& [id, handler] : handlers_) targets.push_back(handler);
  }
  for (const auto& handler : targets) (*handler)(event);
}

}  // namespace hotline
