#pragma once
// One media worker thread: owns a set of endpoints, mixers and recording taps, waits on their
// sockets with epoll and runs the 20 ms clock from a periodic timerfd. The timer's expiration
// count drives catch-up ticks, so a delayed worker does not drift: it runs the missed ticks
// at once (up to a limit) and the next tick is again on the original grid.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "media/media_commands.hpp"
#include "media/media_counters.hpp"
#include "media/media_event_queue.hpp"

namespace hotline::media {

class MediaWorker {
 public:
  // realtime_priority: SCHED_FIFO priority for the thread, 0 for none.
  MediaWorker(MediaEventQueue& events, unsigned index, int realtime_priority = 0);
  ~MediaWorker();  // stops the thread; open endpoints are closed (final stats reported)
  MediaWorker(const MediaWorker&) = delete;
  MediaWorker& operator=(const MediaWorker&) = delete;

  Status start();
  // Commands posted together are applied together, in order, on the same tick.
  void post(std::vector<MediaCommand> commands);
  const WorkerCounters& counters() const { return counters_; }
  // For the sessions this worker will own: they count into it from its thread.
  WorkerCounters& session_counters() { return counters_; }

 private:
  struct Watch;
  struct EndpointSlot;
  struct Mixer;
  struct RecordingTap;

  void run();
  void tick(std::int64_t now_ms);
  void apply_commands(std::int64_t now_ms);
  void apply(MediaCommand& command, std::int64_t now_ms);
  RtpSession* find(EndpointId endpoint);
  void report_error(EndpointId endpoint, const char* code, const char* message);
  void leave_mixer(RtpSession& session);
  void destroy_endpoint(EndpointId endpoint);
  void close_everything();

  MediaEventQueue& events_;
  const unsigned index_;
  const int realtime_priority_;
  WorkerCounters counters_;
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  int wake_fd_ = -1;
  std::unique_ptr<Watch> timer_watch_;
  std::unique_ptr<Watch> wake_watch_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  std::mutex commands_mutex_;  // control side posts, worker swaps once per tick
  std::vector<MediaCommand> posted_;
  std::vector<MediaCommand> applying_;

  std::unordered_map<EndpointId, std::unique_ptr<EndpointSlot>> endpoints_;
  std::vector<std::unique_ptr<EndpointSlot>> retired_;  // destroyed during the current batch
  std::unordered_map<MixerId, std::unique_ptr<Mixer>> mixers_;
  std::vector<RecordingTap> recordings_;
  ReceiveBatch receive_batch_;
};

}  // namespace hotline::media
