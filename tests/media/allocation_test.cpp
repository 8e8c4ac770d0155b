// Steady-state packet handling must not allocate: counts operator new calls made by this
// thread while an RtpSession receives, decodes, encodes and sends.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "media/audio_mixer.hpp"
#include "media/g711.hpp"
#include "media/rtp_session.hpp"
#include "rtp_test_peer.hpp"

// The replaced operator new/delete pair malloc with free on purpose; once GCC inlines them
// into gtest's `new TestClass` it sees free() on operator new's pointer and warns.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace hotline::media {
namespace {

using namespace std::chrono_literals;

std::int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

TEST(SteadyState, TheAllocationCounterWorks) {
  counting = true;
  auto probe = std::make_unique<int>(1);
  counting = false;
  EXPECT_EQ(allocations, 1u);
  allocations = 0;
}

TEST(SteadyState, PacketsAndTicksDoNotAllocate) {
  PortAllocator ports(PortRange{42000, 42099});
  auto sockets = ports.allocate(*SocketAddress::parse("127.0.0.1", 0));
  ASSERT_TRUE(sockets);
  const auto local = testing::loopback(sockets->rtp_port);
  MediaEventQueue events;
  WorkerCounters counters;
  EndpointSettings settings;
  settings.rtcp_interval = std::chrono::hours(1);  // reports (and their events) are not per packet
  RtpSession session(1, std::move(*sockets), settings, events, counters);
  testing::RtpTestPeer peer;
  RemoteMedia remote;
  remote.rtp = peer.address();
  remote.rtcp = peer.address();
  remote.codec = &pcmu_codec();
  remote.payload_type = 0;
  remote.telephone_event_payload_type = 101;
  session.set_remote(remote, steady_us() / 1000);

  ReceiveBatch batch;
  std::vector<std::uint8_t> datagram(kRtpHeaderBytes + kFrameSamples);
  std::array<std::int16_t, kFrameSamples> a_in{}, b_in{}, a_out{}, b_out{};
  const std::vector<MixerParty> parties = {
      {1, PartyMode::speak_to_all, 0, a_in.data(), a_out.data()},
      {2, PartyMode::speak_to_all, 0, b_in.data(), b_out.data()}};
  for (int k = 0; k < 200; ++k) {
    const std::vector<std::uint8_t> payload(
        kFrameSamples, g711::linear_to_ulaw(static_cast<std::int16_t>(k * 10)));
    write_rtp(
        RtpHeader{false, 0, static_cast<std::uint16_t>(k), static_cast<std::uint32_t>(k * 160), 77},
        payload, datagram);
    peer.send_raw(datagram, local);
    std::this_thread::sleep_for(1ms);  // let it arrive
    const bool measure = k >= 50;      // after warm-up
    counting = measure;
    const std::int64_t now_us = steady_us();
    session.on_rtp_readable(now_us, batch);
    session.receive_frame(now_us / 1000);
    session.clear_output();
    mix_frame(parties);
    session.send_frame(now_us / 1000);
    counting = false;
    while (peer.receive(0ms)) {
    }
  }
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(session.stats().packets_received, 200u);
}

}  // namespace
}  // namespace hotline::media
