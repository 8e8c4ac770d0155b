#pragma once
// Reorders received audio packets by sequence number and hands the media clock one 20 ms
// frame per tick, decoding as it goes so 10/20/30 ms packets all fit. Memory is fixed at
// construction; push and pull never allocate.
//
// Latency policy: playout (re)starts only with a cushion of `prefill_frames` of audio, so a
// packet a little late for its tick does not cause a gap; and when the buffer has held more
// than `trim_above_frames` for a whole second, one packet is dropped, so latency that a burst
// or a gap added does not stay for the rest of the call.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "media/audio_codec.hpp"
#include "media/media_constants.hpp"

namespace hotline::media {

struct JitterBufferCounters {
  std::uint64_t stored = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t too_late = 0;   // arrived after its turn had passed
  std::uint64_t skipped = 0;    // never arrived in time: concealed with silence
  std::uint64_t overflow = 0;   // dropped to keep latency bounded
  std::uint64_t underruns = 0;  // ticks that got no audio while a stream was running
  std::uint64_t restarts = 0;   // sequence jumps treated as a new stream
  std::uint64_t trimmed = 0;    // dropped because latency stayed above the target
};

struct JitterBufferPolicy {
  std::size_t max_packets = 10;       // hard latency bound; beyond it the oldest is dropped
  std::size_t prefill_frames = 2;     // 20 ms frames buffered before playout (re)starts
  std::size_t trim_above_frames = 3;  // 0: never trim
};

class JitterBuffer {
 public:
  static constexpr std::size_t kSlots = 32;

  explicit JitterBuffer(const JitterBufferPolicy& policy = {});

  // The codec packets are decoded with; not owned. Without one, pull() gives silence.
  void set_decoder(AudioCodec* decoder) { decoder_ = decoder; }

  enum class PushResult { stored, duplicate, too_late, too_large, overflow };
  // An empty payload marks a sequence number used by another payload type (DTMF events).
  PushResult push(std::uint16_t sequence, std::span<const std::uint8_t> payload);
  // Fills `frame` with the next 20 ms; returns how many samples are real audio (the rest is
  // silence).
  std::size_t pull(std::span<std::int16_t, kFrameSamples> frame);
  // A new stream (SSRC change) begins: what is still queued of the old one is decoded ahead
  // of it (as far as it fits), then sequence tracking starts over.
  void start_new_stream();
  // Forgets everything, queued audio included.
  void reset();

  std::size_t buffered_packets() const { return buffered_; }
  const JitterBufferCounters& counters() const { return counters_; }

 private:
  struct Slot {
    bool used = false;
    std::uint16_t sequence = 0;
    std::uint16_t size = 0;
    std::array<std::uint8_t, kMaxPayloadBytes> data{};
  };
  static constexpr int kMaxMisorder = 100;
  static constexpr int kTrimWindowTicks = 50;  // one second
  static constexpr int kPrefillWaitTicks = 3;  // a lone packet still plays after this
  static constexpr std::size_t kFifoCapacity = 2 * kMaxPayloadBytes + kFrameSamples;

  void drop_oldest();
  std::size_t buffered_samples() const { return buffered_ * last_packet_samples_ + fifo_size_; }
  void control_latency();
  bool decode_next();

  JitterBufferPolicy policy_;
  AudioCodec* decoder_ = nullptr;
  bool playing_ = false;  // past the prefill
  int prefill_wait_ = 0;
  int window_ticks_ = 0;
  std::size_t window_min_samples_ = std::numeric_limits<std::size_t>::max();
  std::size_t last_packet_samples_ = kFrameSamples;
  std::array<Slot, kSlots> slots_{};
  std::size_t buffered_ = 0;
  bool have_next_ = false;
  std::uint16_t next_sequence_ = 0;
  bool waited_once_ = false;  // gave a missing packet one tick to show up
  bool running_ = false;      // audio has flowed since the last reset
  std::array<std::int16_t, kFifoCapacity> fifo_{};
  std::size_t fifo_size_ = 0;
  JitterBufferCounters counters_;
};

}  // namespace hotline::media
