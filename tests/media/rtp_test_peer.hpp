#pragma once
// A phone stand-in for loopback tests: a UDP socket on 127.0.0.1 (or ::1) that sends RTP to
// an engine endpoint and collects what comes back.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "media/rtp_packet.hpp"
#include "media/socket_address.hpp"
#include "media/udp_socket.hpp"

namespace hotline::media::testing {

struct ReceivedPacket {
  RtpHeader header;
  std::vector<std::uint8_t> payload;
};

class RtpTestPeer {
 public:
  explicit RtpTestPeer(const char* address = "127.0.0.1");

  const SocketAddress& address() const { return address_; }
  std::uint16_t port() const { return address_.port(); }

  void send_raw(std::span<const std::uint8_t> datagram, const SocketAddress& to);
  void send_rtp(const RtpHeader& header, std::span<const std::uint8_t> payload,
                const SocketAddress& to);
  // Next RTP packet, or nullopt after `timeout`.
  std::optional<ReceivedPacket> receive(std::chrono::milliseconds timeout);
  // Raw datagram (RTCP tests).
  std::optional<std::vector<std::uint8_t>> receive_raw(std::chrono::milliseconds timeout);

 private:
  UdpSocket socket_;
  SocketAddress address_;
};

// An RTCP socket for a peer: RTP port + 1 when available.
SocketAddress loopback(std::uint16_t port, const char* address = "127.0.0.1");

}  // namespace hotline::media::testing
