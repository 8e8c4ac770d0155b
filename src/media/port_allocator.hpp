#pragma once
// Hands out RTP/RTCP socket pairs from the configured range: an even port for RTP and the
// next odd one for RTCP (RFC 3550 section 11). Which ports are free is the kernel's business;
// we walk the range round-robin so a port just released is not reused at once (late packets
// of a finished call must not reach a new one). Thread-safe.
#include <atomic>
#include <cstdint>

#include "common/result.hpp"
#include "media/socket_address.hpp"
#include "media/udp_socket.hpp"

namespace hotline::media {

struct PortRange {
  std::uint16_t low = 20000;
  std::uint16_t high = 29999;
};

// "LOW-HIGH" as given to --rtp-ports; needs at least one even/odd pair.
Result<PortRange> parse_port_range(std::string_view text);

struct RtpSocketPair {
  UdpSocket rtp;
  UdpSocket rtcp;
  std::uint16_t rtp_port = 0;
};

class PortAllocator {
 public:
  explicit PortAllocator(PortRange range);
  // Binds both sockets on `address` (its port is ignored). Error "no_free_ports" when the
  // whole range is taken.
  Result<RtpSocketPair> allocate(const SocketAddress& address);

 private:
  std::uint16_t first_even_;
  std::uint32_t pair_count_;
  std::atomic<std::uint32_t> cursor_{0};
};

}  // namespace hotline::media
