#pragma once
// A caller's media port played by the test itself: binds a UDP port on a loopback address and
// keeps every RTP packet the daemon sends there, with its arrival time, so a test can tell by
// ear what the caller heard at each moment (ringback, the phone's early media, the answer).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hotline::test {

class RtpListener {
 public:
  // Binds `ip`, a free port; throws std::runtime_error when it cannot.
  explicit RtpListener(const std::string& ip);
  ~RtpListener();
  RtpListener(const RtpListener&) = delete;
  RtpListener& operator=(const RtpListener&) = delete;

  std::uint16_t port() const { return port_; }
  std::size_t packets() const;

  // PCMU audio (payload type 0) that arrived from `from` to `to` after the first packet,
  // decoded and scaled to [-1, 1), in arrival order.
  std::vector<double> pcmu_audio(std::chrono::milliseconds from,
                                 std::chrono::milliseconds to) const;

 private:
  struct Packet {
    std::chrono::steady_clock::time_point at;
    std::vector<std::uint8_t> data;
  };
  void receive();

  int socket_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<Packet> packets_;
  std::thread thread_;
};

}  // namespace hotline::test
