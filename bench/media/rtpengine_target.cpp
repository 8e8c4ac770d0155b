#include "rtpengine_target.hpp"

#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "process_usage.hpp"

namespace hotline::bench {

using media::SocketAddress;

namespace {

// A phone's SDP: PCMU and telephone-event, 20 ms, at the generator's address.
std::string phone_sdp(const SocketAddress& phone, int session) {
  std::ostringstream sdp;
  sdp << "v=0\r\n"
      << "o=- " << session << " 1 IN IP4 " << phone.address_string() << "\r\n"
      << "s=hotline-bench\r\n"
      << "c=IN IP4 " << phone.address_string() << "\r\n"
      << "t=0 0\r\n"
      << "m=audio " << phone.port() << " RTP/AVP 0 101\r\n"
      << "a=rtpmap:0 PCMU/8000\r\n"
      << "a=rtpmap:101 telephone-event/8000\r\n"
      << "a=fmtp:101 0-15\r\n"
      << "a=ptime:20\r\n"
      << "a=sendrecv\r\n";
  return sdp.str();
}

// The address the rewritten SDP tells the other phone to send to: its first audio m-line's
// port at the connection address (media-level c= overrides session-level).
Result<SocketAddress> relay_address(const std::string& sdp) {
  std::istringstream lines(sdp);
  std::string line, address;
  long port = -1;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("c=IN IP4 ", 0) == 0 && (port < 0 || address.empty())) address = line.substr(9);
    if (line.rfind("m=audio ", 0) == 0) {
      if (port >= 0) break;
      port = std::strtol(line.c_str() + 8, nullptr, 10);
    }
  }
  if (address.empty() || port <= 0 || port > 65535)
    return Error{"bad_sdp", "no IPv4 audio address in rtpengine's SDP"};
  return SocketAddress::parse(address, static_cast<std::uint16_t>(port));
}

}  // namespace

Result<std::unique_ptr<RtpengineTarget>> RtpengineTarget::connect(const SocketAddress& control,
                                                                  pid_t pid) {
  auto client = NgClient::connect(control);
  if (!client) return client.error();
  if (auto ready = client->wait_ready(std::chrono::seconds(10)); !ready) return ready.error();
  return std::unique_ptr<RtpengineTarget>(new RtpengineTarget(std::move(*client), pid));
}

RtpengineTarget::~RtpengineTarget() {
  if (!closed_) (void)close_calls(1.0);
}

std::string RtpengineTarget::call_id(int call) const {
  return "hotline-bench-" + std::to_string(getpid()) + "-" + std::to_string(call);
}

Result<std::vector<SocketAddress>> RtpengineTarget::open_calls(int calls,
                                                               const SocketAddress& phones) {
  std::vector<SocketAddress> relay(static_cast<std::size_t>(calls) * 2);
  for (int c = 0; c < calls; ++c) {
    const std::string id = call_id(c);
    const std::string from_tag = "caller-" + std::to_string(c);
    const std::string to_tag = "agent-" + std::to_string(c);
    ++calls_;
    // The offer carries the caller's SDP; rtpengine's rewrite goes to the agent, so its
    // address is where the agent sends (and hears the caller from).
    auto offer = client_.request(BDict{{"command", "offer"},
                                       {"call-id", id},
                                       {"from-tag", from_tag},
                                       {"sdp", phone_sdp(phones, 2 * c)}});
    if (!offer) return offer.error();
    const auto* offered = offer->find_string("sdp");
    if (!offered) return Error{"bad_answer", "rtpengine's offer answer has no sdp"};
    auto agent_relay = relay_address(*offered);
    if (!agent_relay) return agent_relay.error();
    // The answer carries the agent's SDP; its rewrite goes to the caller.
    auto answer = client_.request(BDict{{"command", "answer"},
                                        {"call-id", id},
                                        {"from-tag", from_tag},
                                        {"to-tag", to_tag},
                                        {"sdp", phone_sdp(phones, 2 * c + 1)}});
    if (!answer) return answer.error();
    const auto* answered = answer->find_string("sdp");
    if (!answered) return Error{"bad_answer", "rtpengine's answer answer has no sdp"};
    auto caller_relay = relay_address(*answered);
    if (!caller_relay) return caller_relay.error();
    relay[static_cast<std::size_t>(2 * c)] = *caller_relay;
    relay[static_cast<std::size_t>(2 * c + 1)] = *agent_relay;
  }
  return relay;
}

double RtpengineTarget::cpu_seconds() {
  return process_cpu_seconds(pid_);
}

long RtpengineTarget::resident_kb() {
  return bench::resident_kb(pid_);
}

std::string RtpengineTarget::close_calls(double /*window_s*/) {
  closed_ = true;
  int failed = 0;
  for (int c = 0; c < calls_; ++c) {
    if (!client_.request(BDict{{"command", "delete"},
                               {"call-id", call_id(c)},
                               {"from-tag", "caller-" + std::to_string(c)}}))
      ++failed;
  }
  char fields[128];
  std::snprintf(fields, sizeof(fields), " workers=na recorded=0 delete_failures=%d", failed);
  return fields;
}

}  // namespace hotline::bench
