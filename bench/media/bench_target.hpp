#pragma once
// What the load generator drives: something that relays N two-leg calls between phones.
// Leg 2c is call c's caller, leg 2c+1 its agent (callee). Both targets are symmetric: a leg's
// phone sends to one relay address and hears the other leg's audio from that same address.
#include <string>
#include <vector>

#include "common/result.hpp"
#include "media/socket_address.hpp"

namespace hotline::bench {

class BenchTarget {
 public:
  virtual ~BenchTarget() = default;

  // Sets up `calls` calls whose phones all live at `phones` (one generator socket). Returns
  // per leg the relay address that leg's phone sends to.
  virtual Result<std::vector<media::SocketAddress>> open_calls(
      int calls, const media::SocketAddress& phones) = 0;

  // True when the relay forwards the phones' RTP timestamps and timing unchanged (a plain
  // relay): its added jitter is then measured against the generator's actual send instants,
  // so that the generator's own lateness on a busy machine is not counted against it. False
  // when the relay re-clocks the media (its own 20 ms clock and timestamps): jitter is then
  // RFC 3550's, against the timestamps it sends.
  virtual bool keeps_source_timing() const = 0;

  // CPU seconds the relay has used so far, and its resident memory; sampled at the edges of
  // the measured window (memory also before open_calls, as the baseline).
  virtual double cpu_seconds() = 0;
  virtual long resident_kb() = 0;

  // Ends the calls; returns extra "key=value" fields for the report line (leading space each).
  // `window_s` is the measured window, for rates.
  virtual std::string close_calls(double window_s) = 0;
};

}  // namespace hotline::bench
