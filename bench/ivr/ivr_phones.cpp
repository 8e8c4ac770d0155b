// The callers' media for the IVR bench: one UDP port per caller on a loopback address, given
// to SIPp through an injection file so that each caller's SDP points here. For every caller it
// counts the prompt audio the daemon sends (RTP sequence numbers: loss is numbers never seen)
// and, once the prompt has played for --key-after-ms, keys --digits as RFC 4733 events to
// where the audio comes from. A caller is over when its port has been silent for
// --idle-end-ms. Prints one line per second and a final line:
//   PHONES callers=N answered=N packets=N expected=N lost=N loss_pct=X digits_sent=N
// Standalone (POSIX sockets only): run.sh builds it with g++.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string address = "127.0.0.2";
  int base_port = 40000;
  int callers = 1000;
  std::string ports_file;
  std::string digits = "123456#";
  int key_after_ms = 2000;
  int key_ms = 100;
  int gap_ms = 150;
  int idle_end_ms = 3000;
  int max_seconds = 300;
};

struct Caller {
  int fd = -1;
  std::uint16_t port = 0;
  sockaddr_in remote{};
  bool answered = false;
  Clock::time_point first_packet{};
  Clock::time_point last_packet{};
  bool over = false;
  // RTP accounting, per stream (SSRC).
  std::uint32_t ssrc = 0;
  std::uint32_t first_seq = 0;  // extended
  std::uint32_t highest = 0;    // extended
  std::uint64_t received = 0;
  std::uint64_t expected_done = 0;  // streams that ended (SSRC changed)
  std::uint64_t received_done = 0;
  // DTMF.
  std::size_t next_key = 0;
  int key_packet = 0;
  Clock::time_point next_send{};
  std::uint16_t dtmf_seq = 1;
  std::uint32_t dtmf_timestamp = 0;
  std::uint64_t keys_sent = 0;
};

int event_code(char key) {
  if (key >= '0' && key <= '9') return key - '0';
  if (key == '*') return 10;
  if (key == '#') return 11;
  throw std::runtime_error("bad key");
}

void account(Caller& c, const std::uint8_t* rtp, std::size_t size) {
  if (size < 12 || (rtp[0] >> 6) != 2) return;
  const std::uint16_t seq = static_cast<std::uint16_t>(rtp[2] << 8 | rtp[3]);
  const std::uint32_t ssrc =
      static_cast<std::uint32_t>(rtp[8] << 24 | rtp[9] << 16 | rtp[10] << 8 | rtp[11]);
  if (c.received == 0 || ssrc != c.ssrc) {
    if (c.received > 0) {
      c.expected_done += c.highest - c.first_seq + 1;
      c.received_done += c.received;
    }
    c.ssrc = ssrc;
    c.first_seq = seq;
    c.highest = seq;
    c.received = 1;
    return;
  }
  // Extend the 16-bit number next to the highest seen (reordering and wrap).
  std::uint32_t extended = (c.highest & 0xffff0000u) | seq;
  if (extended + 0x8000u < c.highest) extended += 0x10000u;
  if (extended > c.highest + 0x8000u && extended >= 0x10000u) extended -= 0x10000u;
  if (extended > c.highest) c.highest = extended;
  ++c.received;
}

void send_dtmf(Caller& c, const Options& o, Clock::time_point now) {
  if (!c.answered || c.next_key >= o.digits.size() || now < c.next_send) return;
  const int packets = std::max(1, o.key_ms / 20);
  const bool end = c.key_packet >= packets - 1;
  const unsigned duration = static_cast<unsigned>(std::min(c.key_packet + 1, packets) * 160);
  std::uint8_t packet[16];
  packet[0] = 0x80;
  packet[1] = static_cast<std::uint8_t>((c.key_packet == 0 ? 0x80 : 0) | 101);
  packet[2] = static_cast<std::uint8_t>(c.dtmf_seq >> 8);
  packet[3] = static_cast<std::uint8_t>(c.dtmf_seq++);
  for (int i = 0; i < 4; ++i)
    packet[4 + i] = static_cast<std::uint8_t>(c.dtmf_timestamp >> (24 - 8 * i));
  const std::uint32_t ssrc = 0x49565200u + c.port;
  for (int i = 0; i < 4; ++i) packet[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  packet[12] = static_cast<std::uint8_t>(event_code(o.digits[c.next_key]));
  packet[13] = static_cast<std::uint8_t>((end ? 0x80 : 0) | 10);
  packet[14] = static_cast<std::uint8_t>(duration >> 8);
  packet[15] = static_cast<std::uint8_t>(duration);
  sendto(c.fd, packet, sizeof packet, 0, reinterpret_cast<const sockaddr*>(&c.remote),
         sizeof c.remote);
  ++c.key_packet;
  if (c.key_packet < packets + 2) {  // the end packet three times (RFC 4733 2.5.1.4)
    c.next_send = now + std::chrono::milliseconds(20);
    return;
  }
  ++c.keys_sent;
  ++c.next_key;
  c.key_packet = 0;
  c.dtmf_timestamp += static_cast<std::uint32_t>((packets + 2 + o.gap_ms / 20) * 160);
  c.next_send = now + std::chrono::milliseconds(o.gap_ms);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--address")
      o.address = value;
    else if (key == "--base-port")
      o.base_port = std::stoi(value);
    else if (key == "--callers")
      o.callers = std::stoi(value);
    else if (key == "--ports-file")
      o.ports_file = value;
    else if (key == "--digits")
      o.digits = value;
    else if (key == "--key-after-ms")
      o.key_after_ms = std::stoi(value);
    else if (key == "--idle-end-ms")
      o.idle_end_ms = std::stoi(value);
    else if (key == "--max-seconds")
      o.max_seconds = std::stoi(value);
    else
      throw std::runtime_error("unknown option " + key);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::vector<Caller> callers(static_cast<std::size_t>(o.callers));
  std::vector<pollfd> fds;
  std::ofstream ports(o.ports_file);
  ports << "SEQUENTIAL\n";
  for (int i = 0; i < o.callers; ++i) {
    Caller& c = callers[static_cast<std::size_t>(i)];
    c.port = static_cast<std::uint16_t>(o.base_port + 2 * i);
    c.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(c.port);
    inet_pton(AF_INET, o.address.c_str(), &local.sin_addr);
    const int buffer = 256 * 1024;
    setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    if (bind(c.fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      std::fprintf(stderr, "cannot bind %s:%d: %s\n", o.address.c_str(), c.port,
                   std::strerror(errno));
      return 1;
    }
    fds.push_back({c.fd, POLLIN, 0});
    ports << c.port << ";\n";
  }
  ports.close();
  std::printf("READY %d ports from %d\n", o.callers, o.base_port);
  std::fflush(stdout);

  const auto start = Clock::now();
  auto next_report = start + std::chrono::seconds(1);
  std::uint8_t buffer[2048];
  for (;;) {
    poll(fds.data(), fds.size(), 5);
    const auto now = Clock::now();
    int live = 0, answered = 0, over = 0;
    for (std::size_t i = 0; i < callers.size(); ++i) {
      Caller& c = callers[i];
      if (fds[i].revents & POLLIN) {
        sockaddr_in from{};
        socklen_t length = sizeof from;
        for (;;) {
          const auto got =
              recvfrom(c.fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length);
          if (got <= 0) break;
          if (!c.answered) {
            c.answered = true;
            c.remote = from;
            c.first_packet = now;
            c.next_send = now + std::chrono::milliseconds(o.key_after_ms);
            c.dtmf_timestamp = 0x1000u * (static_cast<std::uint32_t>(i) + 1);
          }
          if (c.over) continue;  // a port reused by a later call is not counted twice
          c.last_packet = now;
          if ((buffer[1] & 0x7f) == 0 || (buffer[1] & 0x7f) == 8)
            account(c, buffer, static_cast<std::size_t>(got));
        }
      }
      if (c.answered && !c.over) {
        send_dtmf(c, o, now);
        if (now - c.last_packet > std::chrono::milliseconds(o.idle_end_ms)) c.over = true;
      }
      answered += c.answered;
      over += c.over;
      live += c.answered && !c.over;
    }
    const bool done = over == o.callers || now - start > std::chrono::seconds(o.max_seconds);
    if (now >= next_report || done) {
      std::printf("t=%.0f answered=%d live=%d over=%d\n",
                  std::chrono::duration<double>(now - start).count(), answered, live, over);
      std::fflush(stdout);
      next_report += std::chrono::seconds(1);
    }
    if (done) break;
  }
  std::uint64_t packets = 0, expected = 0, keys = 0;
  int answered = 0;
  for (auto& c : callers) {
    if (!c.answered) continue;
    ++answered;
    packets += c.received_done + c.received;
    expected += c.expected_done + (c.received ? c.highest - c.first_seq + 1 : 0);
    keys += c.keys_sent;
    close(c.fd);
  }
  const std::uint64_t lost = expected > packets ? expected - packets : 0;
  std::printf(
      "PHONES callers=%d answered=%d packets=%llu expected=%llu lost=%llu loss_pct=%.4f "
      "digits_sent=%llu\n",
      o.callers, answered, static_cast<unsigned long long>(packets),
      static_cast<unsigned long long>(expected), static_cast<unsigned long long>(lost),
      expected ? 100.0 * static_cast<double>(lost) / static_cast<double>(expected) : 0.0,
      static_cast<unsigned long long>(keys));
  return 0;
}
