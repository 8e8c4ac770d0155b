// Malformed SIP over UDP and TCP never takes the daemon down: it stays healthy and still
// answers a well-formed request afterwards.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "daemon_process.hpp"
#include "sip_wire.hpp"

#include <gtest/gtest.h>

namespace hotline::test {
namespace {

std::vector<std::string> malformed_messages(std::uint16_t port, const std::string& transport) {
  const auto valid = options_request(port, transport, "hotline-test", "m0");
  std::vector<std::string> messages;
  messages.push_back(valid.substr(0, valid.size() / 2));                 // truncated
  messages.push_back(valid.substr(0, 20));                               // start line only
  messages.push_back("\r\n\r\n");                                        // keep-alive noise
  messages.push_back("INVITE\r\n\r\n");                                  // no URI, no version
  messages.push_back("SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n");         // stray response
  messages.push_back("REGISTER sip:x SIP/9.9\r\nCSeq: banana\r\n\r\n");  // bad version, CSeq
  std::string huge = valid;
  huge.insert(huge.find("\r\n") + 2, "X-Huge: " + std::string(60000, 'a') + "\r\n");
  messages.push_back(huge);  // one enormous header
  std::string many = valid;
  std::string headers;
  for (int i = 0; i < 2000; ++i) headers += "X-H" + std::to_string(i) + ": v\r\n";
  many.insert(many.find("\r\n") + 2, headers);
  messages.push_back(many);  // thousands of headers
  std::string lying = valid;
  lying.replace(lying.find("Content-Length: 0"), 17, "Content-Length: 99999");
  messages.push_back(lying + "short body");  // Content-Length larger than the body
  std::string negative = valid;
  negative.replace(negative.find("Content-Length: 0"), 17, "Content-Length: -5");
  messages.push_back(negative);
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919 + 13) % 256);
  messages.push_back(garbage);  // binary garbage
  std::string zeros(1024, '\0');
  messages.push_back(zeros);
  std::string authorization = valid;
  authorization.insert(authorization.find("\r\n") + 2,
                       "Authorization: Digest username=\"1001\", nonce=\"\", response=\r\n"
                       "Contact: <sip:\r\nExpires: 99999999999999999999\r\n");
  messages.push_back(authorization);  // broken credentials and contact
  return messages;
}

// INVITEs from the demo trunk's address (127.0.0.2), which reach the call module without
// authentication: each broken in its own way.
std::vector<std::string> malformed_invites(std::uint16_t port) {
  const std::string target = "127.0.0.1:" + std::to_string(port);
  auto invite = [&](const std::string& id, const std::string& extra_headers,
                    const std::string& body, const std::string& length) {
    return "INVITE sip:84038437@" + target + " SIP/2.0\r\n" +
           "Via: SIP/2.0/UDP 127.0.0.2:5999;branch=z9hG4bK" + id + ";rport\r\n" +
           "From: <sip:13800138000@127.0.0.2>;tag=" + id + "\r\nTo: <sip:84038437@" + target +
           ">\r\nCall-ID: " + id + "@127.0.0.2\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n" +
           "Contact: <sip:13800138000@127.0.0.2:5999>\r\n" + extra_headers +
           "Content-Type: application/sdp\r\nContent-Length: " + length + "\r\n\r\n" + body;
  };
  const std::string sdp =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"
      "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
  std::vector<std::string> messages;
  messages.push_back(invite("i1", "", "", "0"));                       // no offer
  messages.push_back(invite("i2", "", sdp.substr(0, 30), "30"));       // cut-off SDP
  messages.push_back(invite("i3", "", sdp, "4000"));                   // lying length
  messages.push_back(invite("i4", "", "v=0\r\nm=audio x\r\n", "17"));  // garbage SDP
  messages.push_back(invite("i5", "Session-Expires: 1\r\n", sdp,
                            std::to_string(sdp.size())));  // interval too small
  messages.push_back(invite("i6", "Session-Expires: banana\r\n", sdp,
                            std::to_string(sdp.size())));  // unparsable header
  std::string no_tag = invite("i7", "", sdp, std::to_string(sdp.size()));
  no_tag.replace(no_tag.find(";tag=i7"), 7, "");
  messages.push_back(no_tag);  // From without a tag: no dialog can be made
  return messages;
}

class MalformedSipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DaemonOptions options;
    // Many messages from one address: do not let the rate limit hide a crash.
    options.config_toml = {{"sip.max_messages_per_second", "100000"}};
    daemon_ = std::make_unique<DaemonProcess>(options);
  }
  void TearDown() override {
    if (HasFailure() && daemon_) std::cerr << "---- daemon log ----\n" << daemon_->log() << "\n";
  }
  void expect_alive() {
    EXPECT_EQ(daemon_->client().get("/healthz").status, 200u);
    const auto port = daemon_->sip_port();
    const auto answer =
        udp_exchange(port, options_request(port, "UDP", "hotline-test", "alive"), 10000);
    ASSERT_TRUE(answer) << "no answer to a valid OPTIONS";
    EXPECT_EQ(answer->rfind("SIP/2.0 200", 0), 0u) << *answer;
  }
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(MalformedSipTest, OverUdp) {
  const auto port = daemon_->sip_port();
  for (const auto& message : malformed_messages(port, "UDP"))
    (void)udp_exchange(port, message.substr(0, 65000), 200);
  expect_alive();
}

TEST_F(MalformedSipTest, BrokenInvitesFromTheTrunkLeaveNoCallBehind) {
  const auto port = daemon_->sip_port();
  for (const auto& message : malformed_invites(port))
    (void)udp_exchange(port, message, 300, "127.0.0.2");
  expect_alive();
  // Every INVITE was answered or dropped: none is left as a call in progress.
  std::string metrics;
  for (int i = 0; i < 50; ++i) {
    metrics = daemon_->client().get("/metrics").body;
    if (metrics.find("hotline_calls_active 0") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(metrics.find("hotline_calls_active 0"), std::string::npos) << metrics;
}

TEST_F(MalformedSipTest, OverTcp) {
  const auto port = daemon_->sip_port();
  for (const auto& message : malformed_messages(port, "TCP"))
    (void)tcp_exchange(port, message, 300);
  // Everything at once on one connection, too.
  std::string all;
  for (const auto& message : malformed_messages(port, "TCP")) all += message;
  (void)tcp_exchange(port, all, 500);
  expect_alive();
  EXPECT_EQ(daemon_->stop(), 0) << daemon_->log();
}

}  // namespace
}  // namespace hotline::test
