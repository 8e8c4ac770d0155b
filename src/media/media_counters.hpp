#pragma once
// Engine-wide packet and clock counters. Each worker owns one WorkerCounters and is its only
// writer (relaxed atomics: no locks, no contention); readers sum snapshots.
#include <atomic>
#include <cstdint>

namespace hotline::media {

struct MediaCounters {
  std::uint64_t packets_received = 0;
  std::uint64_t packets_sent = 0;
  std::uint64_t send_failures = 0;
  std::uint64_t dropped_malformed = 0;        // not RTP/RTCP at all, or lying length fields
  std::uint64_t dropped_unknown_source = 0;   // from an address that is not the peer
  std::uint64_t dropped_unknown_payload = 0;  // payload type not negotiated
  std::uint64_t dropped_no_remote = 0;        // arrived before the remote SDP was set
  std::uint64_t rtcp_received = 0;
  std::uint64_t ticks = 0;
  std::uint64_t late_ticks = 0;     // ticks run to catch up after the worker was delayed
  std::uint64_t skipped_ticks = 0;  // ticks given up after a very long delay
  std::uint64_t endpoints = 0;      // currently open
};

class WorkerCounters {
 public:
  std::atomic<std::uint64_t> packets_received{0};
  std::atomic<std::uint64_t> packets_sent{0};
  std::atomic<std::uint64_t> send_failures{0};
  std::atomic<std::uint64_t> dropped_malformed{0};
  std::atomic<std::uint64_t> dropped_unknown_source{0};
  std::atomic<std::uint64_t> dropped_unknown_payload{0};
  std::atomic<std::uint64_t> dropped_no_remote{0};
  std::atomic<std::uint64_t> rtcp_received{0};
  std::atomic<std::uint64_t> ticks{0};
  std::atomic<std::uint64_t> late_ticks{0};
  std::atomic<std::uint64_t> skipped_ticks{0};
  std::atomic<std::uint64_t> endpoints{0};

  // Single writer: a relaxed load and store is enough and cheaper than a locked add.
  static void bump(std::atomic<std::uint64_t>& counter, std::uint64_t delta = 1) {
    counter.store(counter.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
  }

  static void drop(std::atomic<std::uint64_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  }

  void add_to(MediaCounters& total) const {
    total.packets_received += packets_received.load(std::memory_order_relaxed);
    total.packets_sent += packets_sent.load(std::memory_order_relaxed);
    total.send_failures += send_failures.load(std::memory_order_relaxed);
    total.dropped_malformed += dropped_malformed.load(std::memory_order_relaxed);
    total.dropped_unknown_source += dropped_unknown_source.load(std::memory_order_relaxed);
    total.dropped_unknown_payload += dropped_unknown_payload.load(std::memory_order_relaxed);
    total.dropped_no_remote += dropped_no_remote.load(std::memory_order_relaxed);
    total.rtcp_received += rtcp_received.load(std::memory_order_relaxed);
    total.ticks += ticks.load(std::memory_order_relaxed);
    total.late_ticks += late_ticks.load(std::memory_order_relaxed);
    total.skipped_ticks += skipped_ticks.load(std::memory_order_relaxed);
    total.endpoints += endpoints.load(std::memory_order_relaxed);
  }
};

}  // namespace hotline::media
