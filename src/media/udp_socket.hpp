#pragma once
// A non-blocking UDP socket (RAII file descriptor).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "common/result.hpp"
#include "media/socket_address.hpp"

namespace hotline::media {

// Buffers for reading many datagrams with one system call (recvmmsg). Allocated once per
// worker, reused for every socket.
class ReceiveBatch {
 public:
  explicit ReceiveBatch(std::size_t capacity = 16, std::size_t datagram_bytes = 1500);
  ~ReceiveBatch();
  ReceiveBatch(const ReceiveBatch&) = delete;
  ReceiveBatch& operator=(const ReceiveBatch&) = delete;

  std::size_t capacity() const { return capacity_; }
  std::size_t datagram_bytes() const { return datagram_bytes_; }
  // Valid after UdpSocket::receive_batch, for i below its result.
  std::span<const std::uint8_t> datagram(std::size_t i) const;
  bool truncated(std::size_t i) const;
  const SocketAddress& source(std::size_t i) const;

 private:
  friend class UdpSocket;
  struct Storage;
  std::size_t capacity_;
  std::size_t datagram_bytes_;
  std::unique_ptr<Storage> storage_;
};

class UdpSocket {
 public:
  UdpSocket() = default;
  ~UdpSocket();
  UdpSocket(UdpSocket&& other) noexcept;
  UdpSocket& operator=(UdpSocket&& other) noexcept;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // Binds to `local` (port 0 lets the kernel choose). Error "address_in_use" when taken.
  static Result<UdpSocket> bind(const SocketAddress& local);

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  SocketAddress local_address() const;

  // Returns bytes received, or -1 when nothing is waiting (or on error).
  long receive(std::span<std::uint8_t> buffer, SocketAddress& from);
  // Reads up to batch.capacity() waiting datagrams; returns how many (0 when none).
  std::size_t receive_batch(ReceiveBatch& batch);
  // Returns false when the datagram could not be handed to the kernel.
  bool send(std::span<const std::uint8_t> datagram, const SocketAddress& to);

 private:
  explicit UdpSocket(int fd) : fd_(fd) {}
  void close();

  int fd_ = -1;
};

}  // namespace hotline::media
