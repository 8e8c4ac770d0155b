#pragma once
// Raw SIP over loopback for tests: send any bytes over UDP or TCP, wait for an answer.
#include <cstdint>
#include <optional>
#include <string>

namespace hotline::test {

// Sends one datagram from a fresh socket (bound to `source_ip` when given, e.g. the demo
// trunk's 127.0.0.2) and returns the first datagram that comes back within `timeout_ms`, or
// nullopt.
std::optional<std::string> udp_exchange(std::uint16_t port, const std::string& datagram,
                                        int timeout_ms, const std::string& source_ip = {});
// Connects, writes `bytes`, reads what arrives until `timeout_ms` of silence or the peer
// closes; empty when nothing came back. Connection failures throw std::runtime_error.
std::string tcp_exchange(std::uint16_t port, const std::string& bytes, int timeout_ms);

// A phone's UDP socket bound on 127.0.0.1: it sends requests and receives whatever arrives,
// requests from the daemon (keep-alive OPTIONS) included.
class UdpPhone {
 public:
  UdpPhone();
  ~UdpPhone();
  UdpPhone(const UdpPhone&) = delete;
  UdpPhone& operator=(const UdpPhone&) = delete;

  std::uint16_t port() const { return port_; }
  void send(std::uint16_t to_port, const std::string& datagram);
  std::optional<std::string> receive(int timeout_ms);

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A minimal OPTIONS request with the given User-Agent.
std::string options_request(std::uint16_t port, const std::string& transport,
                            const std::string& user_agent, const std::string& call_id);

}  // namespace hotline::test
