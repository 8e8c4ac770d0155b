#pragma once
// In-process publish/subscribe of state-change events (CTI, wallboard, admin changes).
// Publishers may be on any thread; subscribers are called on the publisher's thread and
// must only hand the event off (post to their own executor), never block.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace hotline {

struct Event {
  std::string type;     // e.g. "user.updated", "agent.state"
  nlohmann::json data;  // payload; never personal data in clear
  // Permission a receiver needs to see it; empty: every authenticated session.
  std::string required_permission;
  // Set: only this user's sessions receive it (an agent's offered call, their own state).
  std::optional<std::int64_t> user;
};

class EventBus {
 public:
  using Handler = std::function<void(const Event&)>;

  // Unsubscribes when destroyed.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(std::weak_ptr<EventBus*> bus, std::uint64_t id) : bus_(std::move(bus)), id_(id) {}
    Subscription(Subscription&&) noexcept = default;
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { reset(); }
    void reset();

   private:
    std::weak_ptr<EventBus*> bus_;
    std::uint64_t id_ = 0;
  };

  EventBus() : self_(std::make_shared<EventBus*>(this)) {}
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  [[nodiscard]] Subscription subscribe(Handler handler);
  void publish(const Event& event);

 private:
  void unsubscribe(std::uint64_t id);

  std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::shared_ptr<Handler>> handlers_;
  std::shared_ptr<EventBus*> self_;  // lets subscriptions outlive the bus safely
};

}  // namespace hotline
