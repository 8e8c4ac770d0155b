#include "sip_wire.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace hotline::test {

namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// Closes the descriptor at scope exit.
struct Socket {
  int fd;
  explicit Socket(int type) : fd(::socket(AF_INET, type, 0)) {
    if (fd < 0) throw std::runtime_error("socket() failed");
  }
  ~Socket() { ::close(fd); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
};

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

}  // namespace

std::optional<std::string> udp_exchange(std::uint16_t port, const std::string& datagram,
                                        int timeout_ms, const std::string& source_ip) {
  Socket socket(SOCK_DGRAM);
  if (!source_ip.empty()) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source_ip.c_str(), &source.sin_addr) != 1 ||
        ::bind(socket.fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0)
      throw std::runtime_error("cannot bind a UDP socket to " + source_ip);
  }
  const auto address = loopback(port);
  ::sendto(socket.fd, datagram.data(), datagram.size(), 0,
           reinterpret_cast<const sockaddr*>(&address), sizeof address);
  if (!readable(socket.fd, timeout_ms)) return std::nullopt;
  std::string buffer(65536, '\0');
  const auto got = ::recv(socket.fd, buffer.data(), buffer.size(), 0);
  if (got < 0) return std::nullopt;
  buffer.resize(static_cast<std::size_t>(got));
  return buffer;
}

std::string tcp_exchange(std::uint16_t port, const std::string& bytes, int timeout_ms) {
  Socket socket(SOCK_STREAM);
  const auto address = loopback(port);
  if (::connect(socket.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    throw std::runtime_error("cannot connect to the SIP port");
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto n = ::send(socket.fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the daemon may close on garbage: that is fine
    sent += static_cast<std::size_t>(n);
  }
  std::string received;
  char buffer[4096];
  while (readable(socket.fd, timeout_ms)) {
    const auto n = ::recv(socket.fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    received.append(buffer, static_cast<std::size_t>(n));
  }
  return received;
}

UdpPhone::UdpPhone() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
  if (fd_ < 0) throw std::runtime_error("socket() failed");
  auto address = loopback(0);
  socklen_t length = sizeof address;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot bind a UDP socket");
  }
  port_ = ntohs(address.sin_port);
}

UdpPhone::~UdpPhone() {
  ::close(fd_);
}

void UdpPhone::send(std::uint16_t to_port, const std::string& datagram) {
  const auto address = loopback(to_port);
  ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&address),
           sizeof address);
}

std::optional<std::string> UdpPhone::receive(int timeout_ms) {
  if (!readable(fd_, timeout_ms)) return std::nullopt;
  std::string buffer(65536, '\0');
  const auto got = ::recv(fd_, buffer.data(), buffer.size(), 0);
  if (got < 0) return std::nullopt;
  buffer.resize(static_cast<std::size_t>(got));
  return buffer;
}

std::string options_request(std::uint16_t port, const std::string& transport,
                            const std::string& user_agent, const std::string& call_id) {
  const std::string target = "127.0.0.1:" + std::to_string(port);
  return "OPTIONS sip:" + target + " SIP/2.0\r\n" + "Via: SIP/2.0/" + transport +
         " 127.0.0.1:5999;branch=z9hG4bK" + call_id + ";rport\r\n" +
         "From: <sip:probe@127.0.0.1>;tag=" + call_id + "\r\n" + "To: <sip:" + target + ">\r\n" +
         "Call-ID: " + call_id + "@127.0.0.1\r\n" + "CSeq: 1 OPTIONS\r\n" + "Max-Forwards: 70\r\n" +
         "User-Agent: " + user_agent + "\r\n" + "Content-Length: 0\r\n\r\n";
}

}  // namespace hotline::test
