#include "rtp_test_peer.hpp"

#include <poll.h>

#include <stdexcept>

namespace hotline::media::testing {

SocketAddress loopback(std::uint16_t port, const char* address) {
  return *SocketAddress::parse(address, port);
}

RtpTestPeer::RtpTestPeer(const char* address) {
  auto socket = UdpSocket::bind(loopback(0, address));
  if (!socket) throw std::runtime_error("cannot bind test peer");
  socket_ = std::move(*socket);
  address_ = socket_.local_address();
}

void RtpTestPeer::send_raw(std::span<const std::uint8_t> datagram, const SocketAddress& to) {
  socket_.send(datagram, to);
}

void RtpTestPeer::send_rtp(const RtpHeader& header, std::span<const std::uint8_t> payload,
                           const SocketAddress& to) {
  std::vector<std::uint8_t> buffer(kRtpHeaderBytes + payload.size());
  write_rtp(header, payload, buffer);
  socket_.send(buffer, to);
}

std::optional<std::vector<std::uint8_t>> RtpTestPeer::receive_raw(
    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::uint8_t> buffer(2048);
  for (;;) {
    SocketAddress from;
    const long size = socket_.receive(buffer, from);
    if (size >= 0) {
      buffer.resize(static_cast<std::size_t>(size));
      return buffer;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd fd{socket_.fd(), POLLIN, 0};
    ::poll(&fd, 1, static_cast<int>(left.count()));
  }
}

std::optional<ReceivedPacket> RtpTestPeer::receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto datagram = receive_raw(std::max(left, std::chrono::milliseconds(0)));
    if (!datagram) return std::nullopt;
    RtpPacketView view;
    if (parse_rtp(*datagram, view) != RtpParseError::none) continue;
    return ReceivedPacket{view.header, {view.payload.begin(), view.payload.end()}};
  }
}

}  // namespace hotline::media::testing
