#include "media/udp_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace hotline::media {

struct ReceiveBatch::Storage {
  std::vector<std::uint8_t> bytes;
  std::vector<iovec> vectors;
  std::vector<mmsghdr> messages;
  std::vector<SocketAddress> sources;
};

ReceiveBatch::ReceiveBatch(std::size_t capacity, std::size_t datagram_bytes)
    : capacity_(capacity), datagram_bytes_(datagram_bytes), storage_(std::make_unique<Storage>()) {
  storage_->bytes.resize(capacity * datagram_bytes);
  storage_->vectors.resize(capacity);
  storage_->messages.resize(capacity);
  storage_->sources.resize(capacity);
}

ReceiveBatch::~ReceiveBatch() = default;

std::span<const std::uint8_t> ReceiveBatch::datagram(std::size_t i) const {
  const std::size_t length = std::min<std::size_t>(storage_->messages[i].msg_len, datagram_bytes_);
  return {storage_->bytes.data() + i * datagram_bytes_, length};
}

bool ReceiveBatch::truncated(std::size_t i) const {
  return (storage_->messages[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
}

const SocketAddress& ReceiveBatch::source(std::size_t i) const {
  return storage_->sources[i];
}

UdpSocket::~UdpSocket() {
  close();
}

UdpSocket::UdpSocket(UdpSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void UdpSocket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<UdpSocket> UdpSocket::bind(const SocketAddress& local) {
  if (!local.valid()) return Error{"bad_address", "no address to bind"};
  const int fd = ::socket(local.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{"socket_failed", std::strerror(errno)};
  UdpSocket socket(fd);
  if (local.ipv6()) {
    const int only_v6 = 1;  // an IPv6 endpoint must not also take the IPv4 port
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only_v6, sizeof(only_v6));
  }
  if (::bind(fd, local.data(), local.size()) != 0) {
    if (errno == EADDRINUSE) return Error{"address_in_use", "port already in use"};
    return Error{"bind_failed", std::strerror(errno)};
  }
  return socket;
}

SocketAddress UdpSocket::local_address() const {
  SocketAddress address;
  socklen_t length = address.capacity();
  if (fd_ >= 0) ::getsockname(fd_, address.data(), &length);
  return address;
}

long UdpSocket::receive(std::span<std::uint8_t> buffer, SocketAddress& from) {
  socklen_t length = from.capacity();
  const auto received =
      ::recvfrom(fd_, buffer.data(), buffer.size(), MSG_TRUNC, from.data(), &length);
  if (received < 0) return -1;
  return static_cast<long>(received);
}

std::size_t UdpSocket::receive_batch(ReceiveBatch& batch) {
  auto& storage = *batch.storage_;
  for (std::size_t i = 0; i < batch.capacity_; ++i) {
    storage.vectors[i] = {storage.bytes.data() + i * batch.datagram_bytes_, batch.datagram_bytes_};
    auto& header = storage.messages[i].msg_hdr;
    header = {};
    header.msg_iov = &storage.vectors[i];
    header.msg_iovlen = 1;
    header.msg_name = storage.sources[i].data();
    header.msg_namelen = storage.sources[i].capacity();
    storage.messages[i].msg_len = 0;
  }
  const int count = ::recvmmsg(fd_, storage.messages.data(), static_cast<unsigned>(batch.capacity_),
                               MSG_DONTWAIT, nullptr);
  return count > 0 ? static_cast<std::size_t>(count) : 0;
}

bool UdpSocket::send(std::span<const std::uint8_t> datagram, const SocketAddress& to) {
  if (fd_ < 0 || !to.valid()) return false;
  const auto sent = ::sendto(fd_, datagram.data(), datagram.size(), 0, to.data(), to.size());
  return sent == static_cast<ssize_t>(datagram.size());
}

}  // namespace hotline::media
