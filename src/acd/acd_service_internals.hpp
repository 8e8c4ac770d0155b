#pragma once
// What AcdService's own files share (acd_service.cpp, acd_callbacks.cpp, acd_agent_calls.cpp);
// nothing else includes it.
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "acd/acd_service.hpp"

namespace hotline::acd {

// A caller in a queue (waiting, or ringing an agent).
struct AcdService::Waiting : QueueCaller {
  EpochMs entered_at = 0;  // this visit (a call keeps its engine place across overflow)
  EpochMs next_announce_at = 0;
  std::shared_ptr<store::Id> visit = std::make_shared<store::Id>(0);  // filled by the writer
  int offers = 0;
  std::vector<store::Id> ringing;  // agents being rung
  std::unique_ptr<boost::asio::steady_timer> ring_timer;
  media::PlaybackId announcement = 0;  // playing now; music follows it
  std::uint64_t audio_generation = 0;  // answers for older requests are dropped
};

// Runs `work` on the control thread and waits for its answer (the API's threads call in).
template <typename T>
Result<T> AcdService::on_control(std::function<Result<T>()> work) {
  auto task = std::make_shared<std::packaged_task<Result<T>()>>(std::move(work));
  auto result = task->get_future();
  boost::asio::post(control_, [task] { (*task)(); });
  if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
    return Error{"unavailable", "the control thread did not answer"};
  return result.get();
}

}  // namespace hotline::acd
