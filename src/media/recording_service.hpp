#pragma once
// Background threads behind recording. The writer thread drains every active recording's ring
// into its WAV file every 100 ms, rewrites each WAV header once a second (the file on disk is
// always playable) and flushes the filesystem once a second, so a crash loses about a second. When
// a recording is closed, the compressor thread converts it, hashes the result and reports
// RecordingFinished. Neither thread is ever waited on by a media worker.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "media/media_events.hpp"
#include "media/recording_sink.hpp"

namespace hotline::media {

class RecordingService {
 public:
  using Completion = std::function<void(RecordingFinished)>;

  explicit RecordingService(Completion on_finished);
  // Finishes every recording (open ones as they are), compresses them, then joins.
  ~RecordingService();
  RecordingService(const RecordingService&) = delete;
  RecordingService& operator=(const RecordingService&) = delete;

  void add(std::shared_ptr<RecordingSink> sink);

 private:
  struct ActiveRecording;
  struct CompressionJob {
    std::shared_ptr<RecordingSink> sink;
    std::int64_t frames = 0;
    std::string error;
  };

  void write_loop();
  void compress_loop();
  void queue_compression(CompressionJob job);
  void compress(const CompressionJob& job);

  Completion on_finished_;
  std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable wake_compressor_;
  std::vector<std::shared_ptr<RecordingSink>> pending_;
  std::deque<CompressionJob> jobs_;
  bool stopping_ = false;
  bool writer_done_ = false;
  std::thread writer_;
  std::thread compressor_;
};

}  // namespace hotline::media
