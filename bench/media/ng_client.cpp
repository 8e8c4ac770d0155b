#include "ng_client.hpp"

#include <poll.h>
#include <unistd.h>

#include <array>
#include <string_view>
#include <thread>

namespace hotline::bench {

Result<NgClient> NgClient::connect(const media::SocketAddress& server) {
  auto local = media::SocketAddress::parse(server.address_string(), 0);
  if (!local) return local.error();
  auto socket = media::UdpSocket::bind(*local);
  if (!socket) return socket.error();
  return NgClient(std::move(*socket), server);
}

Result<BValue> NgClient::request(const BDict& request, std::chrono::milliseconds timeout,
                                 int attempts) {
  const std::string cookie = std::to_string(getpid()) + "_" + std::to_string(next_cookie_++);
  const std::string datagram = cookie + " " + bencode(BValue(request));
  const auto bytes = std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(datagram.data()), datagram.size());
  std::array<std::uint8_t, 65536> buffer{};
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (!socket_.send(bytes, server_)) return Error{"send_failed", "cannot send to rtpengine"};
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd waiting{socket_.fd(), POLLIN, 0};
      if (poll(&waiting, 1, static_cast<int>(left.count())) <= 0) continue;
      media::SocketAddress from;
      const long length = socket_.receive(buffer, from);
      if (length <= 0 || !(from == server_)) continue;
      const std::string_view answer(reinterpret_cast<const char*>(buffer.data()),
                                    static_cast<std::size_t>(length));
      const auto space = answer.find(' ');
      if (space == std::string_view::npos || answer.substr(0, space) != cookie)
        continue;  // late answer to an earlier attempt or request
      auto decoded = bdecode(answer.substr(space + 1));
      if (!decoded || !decoded->dict())
        return Error{"bad_answer", "rtpengine sent an answer that is not a bencoded dictionary"};
      const auto* result = decoded->find_string("result");
      if (result && (*result == "ok" || *result == "pong")) return std::move(*decoded);
      const auto* reason = decoded->find_string("error-reason");
      return Error{"rtpengine_error",
                   "rtpengine: " + (result ? *result : std::string("no result")) + ": " +
                       (reason ? *reason : std::string("no reason"))};
    }
  }
  return Error{"timeout", "rtpengine did not answer at " + server_.to_string()};
}

Status NgClient::wait_ready(std::chrono::milliseconds patience) {
  const auto give_up = std::chrono::steady_clock::now() + patience;
  while (true) {
    if (request(BDict{{"command", "ping"}}, std::chrono::milliseconds(200), 1)) return ok_status();
    if (std::chrono::steady_clock::now() >= give_up)
      return Error{"timeout", "rtpengine did not answer ping at " + server_.to_string()};
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace hotline::bench
