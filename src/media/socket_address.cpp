#include "media/socket_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace hotline::media {

Result<SocketAddress> SocketAddress::parse(std::string_view address, std::uint16_t port) {
  SocketAddress result;
  const std::string text(address.substr(0, 64));
  auto* v4 = reinterpret_cast<sockaddr_in*>(&result.storage_);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return result;
  }
  result.storage_ = {};
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&result.storage_);
  if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    return result;
  }
  return Error{"bad_address", "not a numeric IPv4 or IPv6 address"};
}

std::uint16_t SocketAddress::port() const {
  if (storage_.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (storage_.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

void SocketAddress::set_port(std::uint16_t port) {
  if (storage_.ss_family == AF_INET)
    reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  if (storage_.ss_family == AF_INET6)
    reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
}

socklen_t SocketAddress::size() const {
  if (storage_.ss_family == AF_INET) return sizeof(sockaddr_in);
  if (storage_.ss_family == AF_INET6) return sizeof(sockaddr_in6);
  return 0;
}

std::string SocketAddress::address_string() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (storage_.ss_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buffer,
              sizeof(buffer));
  if (storage_.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buffer,
              sizeof(buffer));
  return buffer;
}

std::string SocketAddress::to_string() const {
  if (ipv6()) return '[' + address_string() + "]:" + std::to_string(port());
  return address_string() + ':' + std::to_string(port());
}

bool SocketAddress::same_host(const SocketAddress& other) const {
  if (storage_.ss_family != other.storage_.ss_family) return false;
  if (storage_.ss_family == AF_INET)
    return reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in*>(&other.storage_)->sin_addr.s_addr;
  if (storage_.ss_family == AF_INET6)
    return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr,
                       &reinterpret_cast<const sockaddr_in6*>(&other.storage_)->sin6_addr,
                       sizeof(in6_addr)) == 0;
  return false;
}

bool SocketAddress::operator==(const SocketAddress& other) const {
  return same_host(other) && port() == other.port();
}

}  // namespace hotline::media
