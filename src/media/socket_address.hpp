#pragma once
// An IPv4 or IPv6 UDP address (sockaddr_storage) that can be compared and printed without
// allocation on the packet path.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace hotline::media {

class SocketAddress {
 public:
  SocketAddress() = default;
  // Numeric addresses only ("127.0.0.1", "::1"); no name resolution on the media path.
  static Result<SocketAddress> parse(std::string_view address, std::uint16_t port);

  bool valid() const { return storage_.ss_family == AF_INET || storage_.ss_family == AF_INET6; }
  bool ipv6() const { return storage_.ss_family == AF_INET6; }
  int family() const { return storage_.ss_family; }
  std::uint16_t port() const;
  void set_port(std::uint16_t port);
  std::string address_string() const;
  std::string to_string() const;  // "1.2.3.4:5" or "[::1]:5"

  sockaddr* data() { return reinterpret_cast<sockaddr*>(&storage_); }
  const sockaddr* data() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t size() const;
  socklen_t capacity() const { return sizeof(storage_); }

  // Same family, address and port.
  bool operator==(const SocketAddress& other) const;
  // Same family and address, any port.
  bool same_host(const SocketAddress& other) const;

 private:
  sockaddr_storage storage_{};
};

}  // namespace hotline::media
