#include "load_generator.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <cstring>
#include <thread>

#include "media/rtp_packet.hpp"
#include "process_usage.hpp"

namespace hotline::bench {

using namespace hotline::media;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kBatch = 256;
constexpr std::uint8_t kFiller = 0x55;

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
      .count();
}

void encode_counter(std::uint8_t* p, std::uint32_t k) {
  for (int i = 0; i < 3; ++i) p[i] = static_cast<std::uint8_t>(0x10 + ((k >> (6 * i)) & 63));
}

bool decode_counter(const std::uint8_t* p, std::uint32_t& k) {
  k = 0;
  for (int i = 0; i < 3; ++i) {
    if (p[i] < 0x10 || p[i] > 0x4F) return false;
    k |= static_cast<std::uint32_t>(p[i] - 0x10) << (6 * i);
  }
  return true;
}

double percentile_ms(std::vector<std::int32_t>& values, double p) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1,
                         static_cast<std::size_t>(p * static_cast<double>(values.size())))] /
         1000.0;
}

}  // namespace

Result<std::unique_ptr<LoadGenerator>> LoadGenerator::create(int calls, int seconds,
                                                             int sender_priority) {
  auto socket = UdpSocket::bind(*SocketAddress::parse("127.0.0.1", 0));
  if (!socket) return socket.error();
  const int fd = socket->fd();
  const int buffer_bytes = 64 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer_bytes, sizeof(buffer_bytes)) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof(buffer_bytes));
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer_bytes, sizeof(buffer_bytes)) != 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof(buffer_bytes));
  // The receiver blocks in recvmmsg (with a timeout) rather than spinning.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  // Kernel arrival timestamps, so a descheduled receiver thread does not look like jitter.
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
  timeval receive_timeout{0, 200000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof(receive_timeout));
  return std::unique_ptr<LoadGenerator>(
      new LoadGenerator(std::move(*socket), calls, seconds, sender_priority));
}

LoadGenerator::LoadGenerator(UdpSocket socket, int calls, int seconds, int sender_priority)
    : socket_(std::move(socket)),
      legs_(calls * 2),
      frames_(seconds * 50),
      seconds_(seconds),
      sender_priority_(sender_priority) {
  const auto slots = static_cast<std::size_t>(legs_) * static_cast<std::size_t>(frames_);
  sent_at_.assign(slots, 0);
  delay_us_.assign(slots, -1);
  last_transit_us_.assign(static_cast<std::size_t>(legs_), INT64_MIN);
  transit_change_us_.reserve(slots + 1024);
  leg_of_port_.reserve(static_cast<std::size_t>(legs_));
}

void LoadGenerator::receive(const std::atomic<bool>& running) {
  std::vector<std::array<std::uint8_t, 256>> buffers(kBatch);
  std::vector<iovec> vectors(kBatch);
  std::vector<sockaddr_storage> sources(kBatch);
  std::vector<mmsghdr> messages(kBatch);
  std::vector<std::array<char, CMSG_SPACE(sizeof(timespec))>> controls(kBatch);
  // Kernel timestamps are CLOCK_REALTIME; convert to the steady clock the sender uses.
  const auto realtime_offset_us = [] {
    timespec real{};
    clock_gettime(CLOCK_REALTIME, &real);
    const std::int64_t steady = now_us();
    return steady - (static_cast<std::int64_t>(real.tv_sec) * 1'000'000 + real.tv_nsec / 1000);
  }();
  while (running) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      vectors[i] = {buffers[i].data(), buffers[i].size()};
      messages[i] = {};
      auto& header = messages[i].msg_hdr;
      header.msg_iov = &vectors[i];
      header.msg_iovlen = 1;
      header.msg_name = &sources[i];
      header.msg_namelen = sizeof(sockaddr_storage);
      header.msg_control = controls[i].data();
      header.msg_controllen = controls[i].size();
    }
    const int count = recvmmsg(socket_.fd(), messages.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (count <= 0) continue;
    const std::int64_t batch_at = now_us();
    for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
      std::int64_t at = batch_at;
      auto& header = messages[i].msg_hdr;
      for (cmsghdr* c = CMSG_FIRSTHDR(&header); c; c = CMSG_NXTHDR(&header, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
          timespec stamp{};
          std::memcpy(&stamp, CMSG_DATA(c), sizeof(stamp));
          at = static_cast<std::int64_t>(stamp.tv_sec) * 1'000'000 + stamp.tv_nsec / 1000 +
               realtime_offset_us;
        }
      }
      if (sources[i].ss_family != AF_INET) continue;
      const auto port = ntohs(reinterpret_cast<const sockaddr_in&>(sources[i]).sin_port);
      const auto it = leg_of_port_.find(port);
      if (it == leg_of_port_.end()) {
        ++foreign_;
        continue;
      }
      RtpPacketView packet;
      if (parse_rtp(std::span<const std::uint8_t>(buffers[i].data(), messages[i].msg_len),
                    packet) != RtpParseError::none ||
          packet.payload.size() < 3)
        continue;
      std::uint32_t k = 0;
      const bool numbered =
          decode_counter(packet.payload.data(), k) && k < static_cast<std::uint32_t>(frames_);
      // Frames that come out of leg L's relay address belong to the other leg of the call.
      const int origin = it->second ^ 1;
      const std::size_t index = static_cast<std::size_t>(origin) * frames_ + k;
      // Transit against the clock that timed this packet (see keeps_source_timing). RTP
      // timestamps are 8 kHz: 125 us per unit.
      std::int64_t transit = at - static_cast<std::int64_t>(packet.header.timestamp) * 125;
      if (keeps_source_timing_) {
        if (!numbered) continue;
        transit = at - sent_at_[index];
      }
      auto& last = last_transit_us_[static_cast<std::size_t>(it->second)];
      if (last != INT64_MIN && transit_change_us_.size() < transit_change_us_.capacity()) {
        // Differences modulo the 32-bit timestamp clock stay small; skip wraps.
        const std::int64_t d = transit - last;
        if (d > -1'000'000 && d < 1'000'000)
          transit_change_us_.push_back(static_cast<std::int32_t>(d < 0 ? -d : d));
      }
      last = transit;
      if (!numbered) continue;
      if (delay_us_[index] >= 0) {
        ++duplicates_;
        continue;
      }
      delay_us_[index] = static_cast<std::int32_t>(at - sent_at_[index]);
    }
  }
}

// 1 ms steps; a leg sends when its phase comes round.
void LoadGenerator::send_schedule() {
  std::vector<std::array<std::uint8_t, kRtpHeaderBytes + 160>> packets(kBatch);
  std::vector<iovec> vectors(kBatch);
  std::vector<mmsghdr> messages(kBatch);
  std::array<std::uint8_t, 160> payload{};
  payload.fill(kFiller);
  const auto start = Clock::now();
  send_start_us_ = now_us();
  for (int step = 0; step < frames_ * 20; ++step) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(step));
    const int k = step / 20;
    const int phase = step % 20;
    std::size_t batched = 0;
    std::array<std::size_t, kBatch> slots{};
    auto flush = [&] {
      // The send instant is when the batch goes to the kernel (not when it was built), so
      // that a sender preempted in between does not look like delay added downstream.
      const std::int64_t at = now_us();
      for (std::size_t i = 0; i < batched; ++i) sent_at_[slots[i]] = at;
      std::size_t offset = 0;
      while (offset < batched) {
        const int sent = sendmmsg(socket_.fd(), messages.data() + offset,
                                  static_cast<unsigned>(batched - offset), 0);
        if (sent <= 0) break;
        offset += static_cast<std::size_t>(sent);
      }
      batched = 0;
    };
    for (int leg = phase; leg < legs_; leg += 20) {
      const auto to = static_cast<std::size_t>(leg);
      encode_counter(payload.data(), static_cast<std::uint32_t>(k));
      auto& buffer = packets[batched];
      write_rtp(RtpHeader{k == 0, 0, static_cast<std::uint16_t>(k),
                          static_cast<std::uint32_t>(k * 160), static_cast<std::uint32_t>(leg + 1)},
                payload, buffer);
      vectors[batched] = {buffer.data(), buffer.size()};
      auto& header = messages[batched].msg_hdr;
      header = {};
      header.msg_iov = &vectors[batched];
      header.msg_iovlen = 1;
      header.msg_name = const_cast<sockaddr*>(relay_[to].data());
      header.msg_namelen = relay_[to].size();
      slots[batched] = to * frames_ + static_cast<std::size_t>(k);
      if (++batched == kBatch) flush();
    }
    flush();
  }
}

LoadReport LoadGenerator::run(const std::vector<SocketAddress>& relay, BenchTarget& target) {
  relay_ = relay;
  keeps_source_timing_ = target.keeps_source_timing();
  for (int leg = 0; leg < legs_; ++leg)
    leg_of_port_[relay_[static_cast<std::size_t>(leg)].port()] = leg;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // calls settle

  std::atomic<bool> running{true};
  std::thread receiver([&] { receive(running); });
  LoadReport report;
  const double target_cpu_start = target.cpu_seconds();
  const double process_cpu_start = process_cpu_seconds(getpid());
  const auto start = Clock::now();
  if (sender_priority_ > 0) {
    sched_param realtime{};
    realtime.sched_priority = sender_priority_;
    pthread_setschedparam(pthread_self(), SCHED_FIFO, &realtime);
  }
  send_schedule();
  const sched_param ordinary{};
  pthread_setschedparam(pthread_self(), SCHED_OTHER, &ordinary);
  report.window_s = std::chrono::duration<double>(Clock::now() - start).count();
  report.target_cpu_s = target.cpu_seconds() - target_cpu_start;
  report.process_cpu_s = process_cpu_seconds(getpid()) - process_cpu_start;
  report.target_resident_kb = target.resident_kb();
  std::this_thread::sleep_for(std::chrono::seconds(1));  // frames in flight arrive
  running = false;
  receiver.join();

  std::uint64_t sent = 0, received = 0;
  std::vector<std::int32_t> spread;
  spread.reserve(delay_us_.size());
  for (int leg = 0; leg < legs_; ++leg) {
    const auto first = delay_us_.begin() + static_cast<std::ptrdiff_t>(leg) * frames_;
    std::int32_t minimum = INT32_MAX;
    for (auto d = first; d != first + frames_; ++d)
      if (*d >= 0) minimum = std::min(minimum, *d);
    for (auto d = first; d != first + frames_; ++d) {
      ++sent;
      if (*d < 0) continue;
      ++received;
      spread.push_back(*d - minimum);
    }
  }
  report.offered_pct = 100.0 * seconds_ / report.window_s;
  report.loss_pct =
      sent ? 100.0 * static_cast<double>(sent - received) / static_cast<double>(sent) : 100.0;
  report.jitter_p50_ms = percentile_ms(transit_change_us_, 0.5);
  report.jitter_p99_ms = percentile_ms(transit_change_us_, 0.99);
  report.delay_spread_p50_ms = percentile_ms(spread, 0.5);
  report.delay_spread_p99_ms = percentile_ms(spread, 0.99);
  // How late the generator sent, against its nominal schedule (phase = leg % 20 ms).
  std::vector<std::int32_t> late;
  late.reserve(sent_at_.size());
  for (int leg = 0; leg < legs_; ++leg)
    for (int k = 0; k < frames_; ++k) {
      const auto at = sent_at_[static_cast<std::size_t>(leg) * frames_ + k];
      if (at != 0)
        late.push_back(static_cast<std::int32_t>(at - send_start_us_ -
                                                 (std::int64_t{k} * 20 + leg % 20) * 1000));
    }
  report.generator_late_p99_ms = percentile_ms(late, 0.99);
  report.duplicates = duplicates_;
  report.foreign = foreign_;
  return report;
}

}  // namespace hotline::bench
