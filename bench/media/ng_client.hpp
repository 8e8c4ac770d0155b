#pragma once
// Client for rtpengine's "ng" control protocol: each request is "COOKIE <bencoded dict>" in one
// UDP datagram, answered by "COOKIE <bencoded dict>" carrying "result" ("ok", "pong",
// "error" with "error-reason"). A request is resent with the same cookie when no answer comes
// (rtpengine answers a repeated cookie from its cache instead of acting twice).
#include <chrono>
#include <cstdint>
#include <string>

#include "bencode.hpp"
#include "common/result.hpp"
#include "media/socket_address.hpp"
#include "media/udp_socket.hpp"

namespace hotline::bench {

class NgClient {
 public:
  // `server` is rtpengine's --listen-ng address (loopback).
  static Result<NgClient> connect(const media::SocketAddress& server);

  // Sends `request` (a dictionary with "command") and returns the answer dictionary when its
  // result is "ok" or "pong"; an Error with rtpengine's reason otherwise.
  Result<BValue> request(const BDict& request,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(1000),
                         int attempts = 3);

  // Pings until rtpengine answers or `patience` runs out.
  Status wait_ready(std::chrono::milliseconds patience);

 private:
  NgClient(media::UdpSocket socket, const media::SocketAddress& server)
      : socket_(std::move(socket)), server_(server) {}

  media::UdpSocket socket_;
  media::SocketAddress server_;
  std::uint64_t next_cookie_ = 1;
};

}  // namespace hotline::bench
