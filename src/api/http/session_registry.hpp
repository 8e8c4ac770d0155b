#pragma once
// Live connections of the server, held weakly: lets stop() reach every connection and the
// event fan-out reach every WebSocket without keeping any of them alive.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace hotline::api {

template <typename Session>
class SessionRegistry {
 public:
  std::uint64_t add(std::weak_ptr<Session> session) {
    std::lock_guard lock(mutex_);
    const auto id = next_id_++;
    sessions_.emplace(id, std::move(session));
    return id;
  }

  void remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
    if (sessions_.empty()) empty_.notify_all();
  }

  std::vector<std::shared_ptr<Session>> snapshot() const {
    std::vector<std::shared_ptr<Session>> live;
    std::lock_guard lock(mutex_);
    live.reserve(sessions_.size());
    for (const auto& [id, weak] : sessions_)
      if (auto session = weak.lock()) live.push_back(std::move(session));
    return live;
  }

  // True when every session has gone before `timeout`.
  bool wait_until_empty(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return empty_.wait_for(lock, timeout, [this] { return sessions_.empty(); });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable empty_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::weak_ptr<Session>> sessions_;
};

}  // namespace hotline::api
