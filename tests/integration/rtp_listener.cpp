#include "rtp_listener.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <stdexcept>

#include "media/g711.hpp"

namespace hotline::test {

RtpListener::RtpListener(const std::string& ip) {
  socket_ = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (socket_ < 0) throw std::runtime_error("rtp listener: no socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  if (::inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1 ||
      ::bind(socket_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(socket_);
    throw std::runtime_error("rtp listener: cannot bind " + ip);
  }
  socklen_t length = sizeof address;
  ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  // Wake up now and then to see whether the test is done.
  timeval timeout{0, 100'000};
  ::setsockopt(socket_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  thread_ = std::thread([this] { receive(); });
}

RtpListener::~RtpListener() {
  stop_ = true;
  thread_.join();
  ::close(socket_);
}

void RtpListener::receive() {
  std::array<std::uint8_t, 2048> buffer{};
  while (!stop_) {
    const auto got = ::recv(socket_, buffer.data(), buffer.size(), 0);
    if (got <= 0) continue;
    const std::scoped_lock lock(mutex_);
    packets_.push_back({std::chrono::steady_clock::now(),
                        std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + got)});
  }
}

std::size_t RtpListener::packets() const {
  const std::scoped_lock lock(mutex_);
  return packets_.size();
}

std::vector<double> RtpListener::pcmu_audio(std::chrono::milliseconds from,
                                            std::chrono::milliseconds to) const {
  const std::scoped_lock lock(mutex_);
  std::vector<double> samples;
  if (packets_.empty()) return samples;
  const auto first = packets_.front().at;
  for (const auto& packet : packets_) {
    if (packet.at < first + from || packet.at >= first + to) continue;
    constexpr std::size_t kHeader = 12;
    if (packet.data.size() <= kHeader || (packet.data[1] & 0x7f) != 0) continue;
    const std::size_t csrc = (packet.data[0] & 0x0f) * 4u;
    for (std::size_t i = kHeader + csrc; i < packet.data.size(); ++i)
      samples.push_back(media::g711::ulaw_to_linear(packet.data[i]) / 32768.0);
  }
  return samples;
}

}  // namespace hotline::test
