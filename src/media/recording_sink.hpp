#pragma once
// The hand-over point between a media worker (producer) and the recording writer thread
// (consumer) for one recording: a lock-free ring of interleaved stereo samples plus flags.
// The worker never waits: when the ring is full the frame is dropped and counted.
#include <atomic>
#include <cstdint>
#include <span>
#include <string>

#include "media/media_events.hpp"
#include "media/spsc_ring.hpp"

namespace hotline::media {

struct RecordingRequest {
  EndpointId left = 0;   // caller: left channel carries what this endpoint receives
  EndpointId right = 0;  // agent: right channel; 0 records what `left` hears instead
  std::string path;      // the WAV written during the call; its directory must exist
  RecordingFormat compress_to = RecordingFormat::mp3;
  bool keep_wav = false;  // keep the WAV after successful compression
};

class RecordingSink {
 public:
  // Two seconds of stereo audio: the writer drains every 100 ms, so this rides out a slow disk.
  static constexpr std::size_t kRingSamples = 2 * 2 * 8000;

  RecordingSink(RecordingId id, RecordingRequest request)
      : id_(id), request_(std::move(request)), ring_(kRingSamples) {}

  RecordingId id() const { return id_; }
  const RecordingRequest& request() const { return request_; }

  // Producer side (media worker).
  void push_frame(std::span<const std::int16_t> interleaved) {
    if (!ring_.push(interleaved)) dropped_frames_.fetch_add(1, std::memory_order_relaxed);
  }
  void close() { closed_.store(true, std::memory_order_release); }

  // Consumer side (writer thread).
  std::size_t pop(std::span<std::int16_t> out) { return ring_.pop(out); }
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  std::uint64_t dropped_frames() const { return dropped_frames_.load(std::memory_order_relaxed); }

 private:
  const RecordingId id_;
  const RecordingRequest request_;
  SpscRing<std::int16_t> ring_;
  std::atomic<bool> closed_{false};
  std::atomic<std::uint64_t> dropped_frames_{0};
};

}  // namespace hotline::media
