#pragma once
// The load generator and its measurements, shared by every bench target.
//
// It plays both phones of every call from one UDP socket (sendmmsg/recvmmsg, so its own cost
// stays small): each phone sends a 20 ms PCMU frame every 20 ms, phases spread over the 20 ms
// so the load is even. Each frame carries its number in its first three bytes (PCMU bytes
// 0x10..0x4F, which a PCMU->linear->PCMU bridge and a plain relay both pass unchanged), so the
// far phone can tell which frame arrived and when: loss is frames never seen, delay spread is
// one-way delay above each stream's minimum; added jitter is RFC 3550's |D| between consecutive
// packets of each stream the target sends, from kernel receive timestamps, with the transit
// time taken against the target's RTP timestamps when it re-clocks the media, or against the
// generator's actual send instants when it relays timing unchanged (so that a late generator
// is not counted as jitter the relay added; see BenchTarget::keeps_source_timing). offered_pct
// below 100, or a generator_late_p99_ms near a packet time, means the generator could not keep
// its own schedule (the machine, not the target, ran out of CPU): such a run does not count.
#include <atomic>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "bench_target.hpp"
#include "media/udp_socket.hpp"

namespace hotline::bench {

struct LoadReport {
  double window_s = 0;
  double offered_pct = 0;
  double loss_pct = 100;
  double jitter_p50_ms = 0;
  double jitter_p99_ms = 0;
  double delay_spread_p50_ms = 0;
  double delay_spread_p99_ms = 0;
  double generator_late_p99_ms = 0;  // the generator's own lateness against its schedule
  double target_cpu_s = 0;           // the target's CPU over the window
  double process_cpu_s = 0;     // this process's CPU over the window (generator, and our engine)
  long target_resident_kb = 0;  // at the end of the window
  std::uint64_t duplicates = 0;
  std::uint64_t foreign = 0;  // datagrams from addresses that are no leg's relay (RTCP)
};

class LoadGenerator {
 public:
  // Allocates everything the run needs (before the target's memory baseline is taken).
  // `sender_priority` > 0 runs the sending thread SCHED_FIFO at that priority while it plays
  // (phones keep their own time, whatever else the shared machine is compiling).
  static Result<std::unique_ptr<LoadGenerator>> create(int calls, int seconds,
                                                       int sender_priority = 0);

  // Where every phone lives (loopback).
  media::SocketAddress address() const { return socket_.local_address(); }

  // Plays all phones for the configured seconds; `relay[leg]` is where leg's phone sends and
  // hears the other leg from. Samples the target's CPU and memory at the window's edges.
  LoadReport run(const std::vector<media::SocketAddress>& relay, BenchTarget& target);

 private:
  LoadGenerator(media::UdpSocket socket, int calls, int seconds, int sender_priority);
  // Reader thread body: records arrivals until `running` goes false.
  void receive(const std::atomic<bool>& running);
  void send_schedule();

  media::UdpSocket socket_;
  int legs_;
  int frames_;
  int seconds_;
  int sender_priority_;
  std::vector<std::int64_t> sent_at_;   // [leg * frames + k], steady clock us
  std::vector<std::int32_t> delay_us_;  // [leg * frames + k], -1 until received
  std::vector<std::int64_t> last_transit_us_;
  std::vector<std::int32_t> transit_change_us_;
  std::vector<media::SocketAddress> relay_;
  std::unordered_map<std::uint16_t, int> leg_of_port_;
  bool keeps_source_timing_ = false;
  std::int64_t send_start_us_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t foreign_ = 0;
};

}  // namespace hotline::bench
