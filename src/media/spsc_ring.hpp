#pragma once
// Single-producer single-consumer ring buffer of trivially copyable values: the media worker
// pushes, a writer thread pops, neither ever waits for the other. Capacity is rounded up to a
// power of two and fixed at construction.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <memory>
#include <span>
#include <type_traits>

namespace hotline::media {

template <typename T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  explicit SpscRing(std::size_t capacity)
      : capacity_(std::bit_ceil(std::max<std::size_t>(capacity, 2))),
        mask_(capacity_ - 1),
        buffer_(std::make_unique<T[]>(capacity_)) {}

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // Producer: pushes all of `values` or nothing. Returns false when there is no room.
  bool push(std::span<const T> values) {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    const std::size_t tail = tail_.load(std::memory_order_acquire);
    if (capacity_ - (head - tail) < values.size()) return false;
    for (std::size_t i = 0; i < values.size(); ++i) buffer_[(head + i) & mask_] = values[i];
    head_.store(head + values.size(), std::memory_order_release);
    return true;
  }

  // Consumer: pops up to out.size() values; returns how many.
  std::size_t pop(std::span<T> out) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    const std::size_t head = head_.load(std::memory_order_acquire);
    const std::size_t count = std::min(out.size(), head - tail);
    for (std::size_t i = 0; i < count; ++i) out[i] = buffer_[(tail + i) & mask_];
    tail_.store(tail + count, std::memory_order_release);
    return count;
  }

  std::size_t size() const {
    return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire);
  }
  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  const std::size_t mask_;
  std::unique_ptr<T[]> buffer_;
  alignas(64) std::atomic<std::size_t> head_{0};  // written by the producer
  alignas(64) std::atomic<std::size_t> tail_{0};  // written by the consumer
};

}  // namespace hotline::media
