// Capacity bench for the media engine: N concurrent two-leg G.711 calls, every call bridged
// and recorded, driven by an in-process load generator on loopback. See run.sh.
//
// The generator plays both phones of every call from one UDP socket (sendmmsg/recvmmsg, so
// its own cost stays small): each phone sends a 20 ms PCMU frame every 20 ms, phases spread
// over the 20 ms so the load is even. Each frame carries its number in its first three bytes
// (PCMU bytes 0x10..0x4F, which a PCMU->linear->PCMU bridge passes unchanged), so the far
// phone can tell which frame arrived and when: loss is frames never seen, added jitter is the
// spread of one-way delay above each stream's minimum; jitter is RFC 3550's |D| between
// consecutive packets of each stream the engine sends, from kernel receive timestamps.
// offered_pct below 100 means the generator could not keep up with its own schedule (the
// machine, not the engine, ran out of CPU): such a run does not count.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dirent.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "media/media_engine.hpp"
#include "media/rtp_packet.hpp"
#include "media/udp_socket.hpp"

using namespace hotline::media;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  int calls = 100;
  int seconds = 20;
  unsigned workers = 0;
  int realtime_priority = 0;
  std::string record_dir = "/tmp/hotline-media-bench";
};

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

// CPU seconds used so far by this process's threads whose names start with `prefix`.
double thread_cpu_seconds(const std::string& prefix) {
  double total = 0;
  const long ticks = sysconf(_SC_CLK_TCK);
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(entry.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind(prefix, 0) != 0) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    std::istringstream fields(line.substr(close + 2));
    std::string skip;
    for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
    long utime = 0, stime = 0;
    fields >> utime >> stime;
    total += static_cast<double>(utime + stime) / static_cast<double>(ticks);
  }
  return total;
}

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

long rss_kb() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    if (name == "--calls") options.calls = std::stoi(value);
    if (name == "--seconds") options.seconds = std::stoi(value);
    if (name == "--workers") options.workers = static_cast<unsigned>(std::stoi(value));
    if (name == "--record-dir") options.record_dir = value;
    if (name == "--realtime-priority") options.realtime_priority = std::stoi(value);
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const int legs = options.calls * 2;  // leg 2c: caller, 2c+1: agent
  const int frames = options.seconds * 50;

  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  std::filesystem::remove_all(options.record_dir);
  std::filesystem::create_directories(options.record_dir);

  // Generator state, allocated before the memory baseline.
  auto generator = UdpSocket::bind(*SocketAddress::parse("127.0.0.1", 0));
  if (!generator) {
    std::fprintf(stderr, "cannot bind the generator socket\n");
    return 1;
  }
  const int buffer_bytes = 64 << 20;
  if (setsockopt(generator->fd(), SOL_SOCKET, SO_RCVBUFFORCE, &buffer_bytes,
                 sizeof(buffer_bytes)) != 0)
    setsockopt(generator->fd(), SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof(buffer_bytes));
  if (setsockopt(generator->fd(), SOL_SOCKET, SO_SNDBUFFORCE, &buffer_bytes,
                 sizeof(buffer_bytes)) != 0)
    setsockopt(generator->fd(), SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof(buffer_bytes));
  // The generator blocks in recvmmsg (with a timeout) rather than spinning.
  fcntl(generator->fd(), F_SETFL, fcntl(generator->fd(), F_GETFL) & ~O_NONBLOCK);
  // Kernel arrival timestamps, so a descheduled generator thread does not look like jitter.
  const int on = 1;
  setsockopt(generator->fd(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
  timeval receive_timeout{0, 200000};
  setsockopt(generator->fd(), SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof(receive_timeout));
  std::vector<std::int64_t> sent_at(static_cast<std::size_t>(legs) * frames, 0);
  std::vector<std::int32_t> delay_us(static_cast<std::size_t>(legs) * frames, -1);
  std::vector<SocketAddress> leg_address(static_cast<std::size_t>(legs));
  std::unordered_map<std::uint16_t, int> leg_of_port;
  // Interarrival jitter of what the engine sends (RFC 3550 6.4.1 D values, per packet).
  std::vector<std::int64_t> last_transit_us(static_cast<std::size_t>(legs), INT64_MIN);
  std::vector<std::int32_t> transit_change_us;
  transit_change_us.reserve(static_cast<std::size_t>(legs) * frames + 1024);

  MediaEngineConfig config;
  config.workers = options.workers;
  config.realtime_priority = options.realtime_priority;
  config.ipv4_bind_address = "127.0.0.1";
  auto started = MediaEngine::start(config);
  if (!started) {
    std::fprintf(stderr, "engine: %s\n", started.error().message.c_str());
    return 1;
  }
  auto& engine = **started;
  const long rss_before = rss_kb();

  RemoteMedia remote;
  remote.rtp = generator->local_address();
  remote.rtcp = remote.rtp;
  remote.codec = &pcmu_codec();
  remote.payload_type = 0;
  remote.telephone_event_payload_type = 101;  // as phones negotiate it: no in-band detection
  std::vector<EndpointId> endpoints(static_cast<std::size_t>(legs));
  std::vector<RecordingId> recordings;
  for (int c = 0; c < options.calls; ++c) {
    auto caller = engine.create_endpoint();
    if (!caller) {
      std::fprintf(stderr, "endpoint: %s\n", caller.error().message.c_str());
      return 1;
    }
    EndpointOptions colocated;
    colocated.colocate_with = caller->id;
    auto agent = engine.create_endpoint(colocated);
    if (!agent) {
      std::fprintf(stderr, "endpoint: %s\n", agent.error().message.c_str());
      return 1;
    }
    for (const auto& [info, leg] : {std::pair{*caller, 2 * c}, {*agent, 2 * c + 1}}) {
      endpoints[static_cast<std::size_t>(leg)] = info.id;
      leg_address[static_cast<std::size_t>(leg)] = info.local;
      leg_of_port[info.rtp_port] = leg;
      (void)engine.set_remote(info.id, remote);
    }
    (void)engine.bridge(caller->id, agent->id);
    RecordingRequest request;
    request.left = caller->id;
    request.right = agent->id;
    request.path = options.record_dir + "/call-" + std::to_string(c) + ".wav";
    request.compress_to = RecordingFormat::wav;  // compression runs after calls; not measured here
    if (auto recording = engine.start_recording(request)) recordings.push_back(*recording);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  // Receiver: frames that come out of leg L belong to the other leg of the call (L ^ 1).
  std::atomic<bool> receiving{true};
  std::uint64_t duplicates = 0, foreign = 0;
  std::thread receiver([&] {
    std::vector<std::array<std::uint8_t, 256>> buffers(kBatch);
    std::vector<iovec> vectors(kBatch);
    std::vector<sockaddr_storage> sources(kBatch);
    std::vector<mmsghdr> messages(kBatch);
    std::vector<std::array<char, CMSG_SPACE(sizeof(timespec))>> controls(kBatch);
    // Kernel timestamps are CLOCK_REALTIME; convert to the steady clock the sender uses.
    const auto realtime_offset_us = [] {
      timespec real{}, mono{};
      clock_gettime(CLOCK_REALTIME, &real);
      const std::int64_t steady = now_us();
      (void)mono;
      return steady - (static_cast<std::int64_t>(real.tv_sec) * 1'000'000 + real.tv_nsec / 1000);
    }();
    while (receiving) {
      for (int i = 0; i < kBatch; ++i) {
        vectors[static_cast<std::size_t>(i)] = {buffers[static_cast<std::size_t>(i)].data(), 256};
        messages[static_cast<std::size_t>(i)] = {};
        messages[static_cast<std::size_t>(i)].msg_hdr.msg_iov =
            &vectors[static_cast<std::size_t>(i)];
        messages[static_cast<std::size_t>(i)].msg_hdr.msg_iovlen = 1;
        messages[static_cast<std::size_t>(i)].msg_hdr.msg_name =
            &sources[static_cast<std::size_t>(i)];
        messages[static_cast<std::size_t>(i)].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        messages[static_cast<std::size_t>(i)].msg_hdr.msg_control =
            controls[static_cast<std::size_t>(i)].data();
        messages[static_cast<std::size_t>(i)].msg_hdr.msg_controllen =
            controls[static_cast<std::size_t>(i)].size();
      }
      const int count = recvmmsg(generator->fd(), messages.data(), kBatch, MSG_WAITFORONE, nullptr);
      if (count <= 0) continue;
      const std::int64_t batch_at = now_us();
      for (int i = 0; i < count; ++i) {
        std::int64_t at = batch_at;
        auto& header = messages[static_cast<std::size_t>(i)].msg_hdr;
        for (cmsghdr* c = CMSG_FIRSTHDR(&header); c; c = CMSG_NXTHDR(&header, c)) {
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec stamp{};
            std::memcpy(&stamp, CMSG_DATA(c), sizeof(stamp));
            at = static_cast<std::int64_t>(stamp.tv_sec) * 1'000'000 + stamp.tv_nsec / 1000 +
                 realtime_offset_us;
          }
        }
        const auto& source = sources[static_cast<std::size_t>(i)];
        if (source.ss_family != AF_INET) continue;
        const auto port = ntohs(reinterpret_cast<const sockaddr_in&>(source).sin_port);
        const auto it = leg_of_port.find(port);
        if (it == leg_of_port.end()) {
          ++foreign;
          continue;
        }
        RtpPacketView packet;
        const auto* data = buffers[static_cast<std::size_t>(i)].data();
        if (parse_rtp(
                std::span<const std::uint8_t>(data, messages[static_cast<std::size_t>(i)].msg_len),
                packet) != RtpParseError::none ||
            packet.payload.size() < 3)
          continue;
        // Engine timestamps are 8 kHz: 125 us per unit.
        const std::int64_t transit = at - static_cast<std::int64_t>(packet.header.timestamp) * 125;
        auto& last = last_transit_us[static_cast<std::size_t>(it->second)];
        if (last != INT64_MIN && transit_change_us.size() < transit_change_us.capacity()) {
          // Differences modulo the 32-bit timestamp clock stay small; skip wraps.
          const std::int64_t d = transit - last;
          if (d > -1'000'000 && d < 1'000'000)
            transit_change_us.push_back(static_cast<std::int32_t>(d < 0 ? -d : d));
        }
        last = transit;
        std::uint32_t k = 0;
        if (!decode_counter(packet.payload.data(), k) || k >= static_cast<std::uint32_t>(frames))
          continue;
        const int origin = it->second ^ 1;
        const std::size_t index = static_cast<std::size_t>(origin) * frames + k;
        if (delay_us[index] >= 0) {
          ++duplicates;
          continue;
        }
        delay_us[index] = static_cast<std::int32_t>(at - sent_at[index]);
      }
    }
  });

  // Sender: 1 ms steps; a leg sends when its phase comes round.
  const double cpu_engine_start = thread_cpu_seconds("hl-media") + thread_cpu_seconds("hl-rec");
  const double cpu_process_start = process_cpu_seconds();
  const auto start = Clock::now();
  {
    std::vector<std::array<std::uint8_t, kRtpHeaderBytes + 160>> packets(kBatch);
    std::vector<iovec> vectors(kBatch);
    std::vector<mmsghdr> messages(kBatch);
    std::array<std::uint8_t, 160> payload{};
    payload.fill(kFiller);
    for (int step = 0; step < frames * 20; ++step) {
      std::this_thread::sleep_until(start + std::chrono::milliseconds(step));
      const int k = step / 20;
      const int phase = step % 20;
      int batched = 0;
      auto flush = [&] {
        int offset = 0;
        while (offset < batched) {
          const int sent = sendmmsg(generator->fd(), messages.data() + offset,
                                    static_cast<unsigned>(batched - offset), 0);
          if (sent <= 0) break;
          offset += sent;
        }
        batched = 0;
      };
      for (int leg = phase; leg < legs; leg += 20) {
        encode_counter(payload.data(), static_cast<std::uint32_t>(k));
        auto& buffer = packets[static_cast<std::size_t>(batched)];
        write_rtp(
            RtpHeader{k == 0, 0, static_cast<std::uint16_t>(k), static_cast<std::uint32_t>(k * 160),
                      static_cast<std::uint32_t>(leg + 1)},
            payload, buffer);
        vectors[static_cast<std::size_t>(batched)] = {buffer.data(), buffer.size()};
        auto& header = messages[static_cast<std::size_t>(batched)].msg_hdr;
        header = {};
        header.msg_iov = &vectors[static_cast<std::size_t>(batched)];
        header.msg_iovlen = 1;
        header.msg_name = const_cast<sockaddr*>(leg_address[static_cast<std::size_t>(leg)].data());
        header.msg_namelen = leg_address[static_cast<std::size_t>(leg)].size();
        sent_at[static_cast<std::size_t>(leg) * frames + k] = now_us();
        if (++batched == kBatch) flush();
      }
      flush();
    }
  }
  const double window_s = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu_engine =
      thread_cpu_seconds("hl-media") + thread_cpu_seconds("hl-rec") - cpu_engine_start;
  const double cpu_process = process_cpu_seconds() - cpu_process_start;
  const long rss_during = rss_kb();
  std::this_thread::sleep_for(std::chrono::seconds(1));  // frames in flight arrive
  receiving = false;
  receiver.join();
  const auto counters = engine.counters();

  std::uint64_t recorded_bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(options.record_dir))
    recorded_bytes += std::filesystem::file_size(entry.path());

  // Loss and added jitter.
  std::uint64_t sent = 0, received = 0;
  std::vector<std::int32_t> added;
  added.reserve(delay_us.size());
  for (int leg = 0; leg < legs; ++leg) {
    std::int32_t minimum = INT32_MAX;
    for (int k = 0; k < frames; ++k) {
      const auto d = delay_us[static_cast<std::size_t>(leg) * frames + k];
      if (d >= 0) minimum = std::min(minimum, d);
    }
    for (int k = 0; k < frames; ++k) {
      const auto d = delay_us[static_cast<std::size_t>(leg) * frames + k];
      ++sent;
      if (d < 0) continue;
      ++received;
      added.push_back(d - minimum);
    }
  }
  auto percentile_ms = [](std::vector<std::int32_t>& values, double p) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1,
                           static_cast<std::size_t>(p * static_cast<double>(values.size())))] /
           1000.0;
  };
  const double jitter_p50 = percentile_ms(transit_change_us, 0.5);
  const double jitter_p99 = percentile_ms(transit_change_us, 0.99);
  const double delay_spread_p50 = percentile_ms(added, 0.5);
  const double delay_spread_p99 = percentile_ms(added, 0.99);
  const double loss_pct =
      sent ? 100.0 * static_cast<double>(sent - received) / static_cast<double>(sent) : 100.0;

  const unsigned workers = static_cast<unsigned>(engine.worker_count());
  for (const auto endpoint : endpoints) (void)engine.destroy_endpoint(endpoint);  // ends recordings
  std::uint64_t dropped_recording_frames = 0;
  std::size_t finished = 0;
  const auto give_up = Clock::now() + std::chrono::seconds(120);
  while (finished < recordings.size() && Clock::now() < give_up) {
    const auto event = engine.events().wait_pop(std::chrono::milliseconds(500));
    if (!event) continue;
    if (const auto* done = std::get_if<RecordingFinished>(&*event)) {
      ++finished;
      dropped_recording_frames += done->dropped_frames;
    }
  }
  started->reset();
  std::filesystem::remove_all(options.record_dir);

  std::printf(
      "calls=%d seconds=%.1f offered_pct=%.1f workers=%u loss_pct=%.4f jitter_p50_ms=%.2f "
      "jitter_p99_ms=%.2f "
      "delay_spread_p50_ms=%.2f delay_spread_p99_ms=%.2f "
      "cpu_pct_per_call=%.4f engine_cpu_pct=%.1f process_cpu_pct=%.1f mem_kb_per_call=%.1f "
      "rec_write_kb_s=%.1f rec_dropped_frames=%llu late_ticks=%llu skipped_ticks=%llu "
      "duplicates=%llu foreign=%llu\n",
      options.calls, window_s, 100.0 * options.seconds / window_s, workers, loss_pct, jitter_p50,
      jitter_p99, delay_spread_p50, delay_spread_p99, 100.0 * cpu_engine / window_s / options.calls,
      100.0 * cpu_engine / window_s, 100.0 * cpu_process / window_s,
      static_cast<double>(rss_during - rss_before) / options.calls,
      static_cast<double>(recorded_bytes) / 1024.0 / window_s,
      static_cast<unsigned long long>(dropped_recording_frames),
      static_cast<unsigned long long>(counters.late_ticks),
      static_cast<unsigned long long>(counters.skipped_ticks),
      static_cast<unsigned long long>(duplicates), static_cast<unsigned long long>(foreign));
  return 0;
}
