// The real daemon and real SIPp on loopback: registration with digest authentication, stale
// and replayed nonces, unregistration, blocking after bad passwords, bindings surviving a
// restart.
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api_test_fixture.hpp"
#include "sip/digest.hpp"
#include "sip_wire.hpp"

namespace hotline::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPhonePassword = "Phone#1001";

struct SippRun {
  int exit_code = -1;
  std::string output;
};

// Runs SIPp once (-m 1) against the daemon; SIPp exits 0 when the scenario passed.
// `local_port` 0: a free one. The Contact carries the local port, so an unregistration must
// come from the port that registered.
SippRun run_sipp(std::uint16_t sip_port, const std::string& scenario, const std::string& transport,
                 const std::string& password, const std::string& extra = "",
                 std::uint16_t local_port = 0) {
  const auto dir =
      fs::temp_directory_path() / ("hotline-sipp-" + std::to_string(::getpid()) + "-" + scenario +
                                   "-" + std::to_string(free_loopback_sip_port()));
  fs::create_directories(dir);
  const auto out = dir / "sipp.out";
  std::ostringstream command;
  command << "cd " << dir << " && timeout 120 sipp 127.0.0.1:" << sip_port << " -sf "
          << HOTLINE_SIPP_DIR << "/" << scenario << " -m 1 -i 127.0.0.1 -p "
          << (local_port != 0 ? local_port : free_loopback_sip_port()) << " -t "
          << (transport == "tcp" ? "t1" : "u1") << " -s 1001 -au 1001 -ap '" << password
          << "' -nostdin -timeout 30s -timeout_error -max_recv_loops 1000 " << extra << " > " << out
          << " 2>&1";
  const int status = std::system(command.str().c_str());
  SippRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(out);
  std::ostringstream text;
  text << in.rdbuf();
  run.output = text.str();
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return run;
}

class SipRegistrarTest : public ApiTest {
 protected:
  DaemonOptions daemon_options() override {
    DaemonOptions options;
    options.config_toml = {{"sip.auth_max_failures", "3"},
                           {"sip.nonce_lifetime_seconds", "5"},
                           {"sip.block_seconds", "600"}};
    return options;
  }

  void SetUp() override {
    ApiTest::SetUp();
    admin_ = login("admin");
    set_sip_password("agent1", kPhonePassword);
  }

  std::int64_t user_id(const std::string& username) {
    const auto users = get("/api/v1/users?q=" + username, admin_).json();
    for (const auto& user : users["items"])
      if (user["username"] == username) return user["id"].get<std::int64_t>();
    ADD_FAILURE() << "no user " << username;
    return 0;
  }

  void set_sip_password(const std::string& username, const std::string& password) {
    auto headers = bearer(admin_);
    headers["Content-Type"] = "application/json";
    const auto response =
        client().request(boost::beast::http::verb::put,
                         "/api/v1/users/" + std::to_string(user_id(username)) + "/sip-password",
                         nlohmann::json{{"password", password}}.dump(), headers);
    ASSERT_EQ(response.status, 204u) << response.body;
  }

  nlohmann::json registration(const std::string& extension) {
    const auto list = get("/api/v1/sip/registrations?extension=" + extension, admin_).json();
    EXPECT_EQ(list["total"], 1) << list.dump();
    return list["items"].empty() ? nlohmann::json::object() : list["items"][0];
  }

  SippRun sipp(const std::string& scenario, const std::string& transport = "udp",
               const std::string& password = kPhonePassword, const std::string& extra = "",
               std::uint16_t local_port = 0) {
    return run_sipp(daemon_->sip_port(), scenario, transport, password, extra, local_port);
  }

  std::string admin_;
};

TEST_P(SipRegistrarTest, RegistersOverUdpAndTcpAndShowsTheBindings) {
  EXPECT_FALSE(registration("1001")["registered"].get<bool>());
  EXPECT_TRUE(registration("1001")["has_password"].get<bool>());
  const auto udp = sipp("register_ok.xml", "udp");
  ASSERT_EQ(udp.exit_code, 0) << udp.output;
  const auto tcp = sipp("register_ok.xml", "tcp");
  ASSERT_EQ(tcp.exit_code, 0) << tcp.output;

  const auto status = registration("1001");
  EXPECT_TRUE(status["registered"].get<bool>());
  EXPECT_EQ(status["username"], "agent1");
  ASSERT_EQ(status["contacts"].size(), 2u) << status.dump();
  std::set<std::string> transports;
  for (const auto& contact : status["contacts"]) {
    transports.insert(contact["transport"].get<std::string>());
    EXPECT_EQ(contact["user_agent"], "hotline-test");
    EXPECT_EQ(contact["source"].get<std::string>().rfind("127.0.0.1:", 0), 0u);
  }
  EXPECT_EQ(transports, (std::set<std::string>{"udp", "tcp"}));
  // An extension without a SIP password (the demo gives none to leader1's 1901) is listed,
  // unregistered.
  EXPECT_FALSE(registration("1901")["has_password"].get<bool>());

  // The supervisor may look, not change.
  const auto supervisor = login("supervisor1");
  EXPECT_EQ(get("/api/v1/sip/registrations", supervisor).status, 200u);
  EXPECT_EQ(client()
                .request(boost::beast::http::verb::put,
                         "/api/v1/users/" + std::to_string(user_id("agent1")) + "/sip-password",
                         R"({"password":"Other#1001"})", bearer(supervisor))
                .status,
            403u);
}

TEST_P(SipRegistrarTest, UnregisterRemovesTheBinding) {
  const auto phone_port = free_loopback_sip_port();
  ASSERT_EQ(sipp("register_ok.xml", "udp", kPhonePassword, "", phone_port).exit_code, 0);
  ASSERT_TRUE(registration("1001")["registered"].get<bool>());
  const auto removed = sipp("unregister.xml", "udp", kPhonePassword, "", phone_port);
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_FALSE(registration("1001")["registered"].get<bool>());
}

TEST_P(SipRegistrarTest, StaleNonceGetsStaleTrueAndReRegisters) {
  const auto run = sipp("register_stale.xml");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(registration("1001")["registered"].get<bool>());
}

// SIPp counts nc up by itself, so the replay is built by hand: the very same authorized
// REGISTER (same nonce, same nc) sent again as a new transaction.
std::string register_request(std::uint16_t port, const std::string& branch,
                             const std::string& authorization,
                             const std::string& contact = "sip:1001@127.0.0.1:5998", int cseq = 1) {
  const std::string target = "127.0.0.1:" + std::to_string(port);
  return "REGISTER sip:" + target + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5998;branch=z9hG4bK" +
         branch + ";rport\r\nFrom: <sip:1001@127.0.0.1>;tag=r1\r\nTo: <sip:1001@127.0.0.1>\r\n" +
         "Call-ID: replay@127.0.0.1\r\nCSeq: " + std::to_string(cseq) + " REGISTER\r\n" +
         "Contact: <" + contact + ">\r\nExpires: 300\r\n" +
         (authorization.empty() ? "" : "Authorization: " + authorization + "\r\n") +
         "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
}

TEST_P(SipRegistrarTest, ReplayedNonceCountIsRefused) {
  const auto port = daemon_->sip_port();
  const auto challenge = udp_exchange(port, register_request(port, "rp1", ""), 10000);
  ASSERT_TRUE(challenge);
  ASSERT_EQ(challenge->rfind("SIP/2.0 401", 0), 0u) << *challenge;
  const auto start = challenge->find("nonce=\"") + 7;
  const auto nonce = challenge->substr(start, challenge->find('"', start) - start);
  const auto uri = "sip:127.0.0.1:" + std::to_string(port);
  for (const auto algorithm : {sip::DigestAlgorithm::Sha256, sip::DigestAlgorithm::Md5}) {
    const auto nc = algorithm == sip::DigestAlgorithm::Sha256 ? "00000001" : "00000002";
    const auto ha1 = sip::compute_ha1(algorithm, "1001", "hotline", kPhonePassword);
    const auto response =
        sip::compute_response(algorithm, ha1, {"REGISTER", uri, nonce, nc, "abc123", "auth"});
    const auto authorization = "Digest username=\"1001\", realm=\"hotline\", nonce=\"" + nonce +
                               "\", uri=\"" + uri + "\", response=\"" + response +
                               "\", algorithm=" + std::string(sip::algorithm_name(algorithm)) +
                               ", cnonce=\"abc123\", qop=auth, nc=" + nc;
    // Each accepted REGISTER of this registration (one Call-ID) has a higher CSeq.
    const int cseq = algorithm == sip::DigestAlgorithm::Sha256 ? 2 : 3;
    const std::string contact = "sip:1001@127.0.0.1:5998";
    const auto accepted = udp_exchange(
        port, register_request(port, std::string("ok") + nc, authorization, contact, cseq), 10000);
    ASSERT_TRUE(accepted);
    EXPECT_EQ(accepted->rfind("SIP/2.0 200", 0), 0u) << *accepted;
    const auto replayed = udp_exchange(
        port, register_request(port, std::string("again") + nc, authorization, contact, cseq + 10),
        10000);
    ASSERT_TRUE(replayed);
    EXPECT_EQ(replayed->rfind("SIP/2.0 403", 0), 0u) << *replayed;
  }
}

TEST_P(SipRegistrarTest, BadPasswordsBlockTheSourceUntilAnAdminUnblocks) {
  // auth_max_failures = 3: three refused attempts, then silence.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const auto bad = sipp("register_bad.xml", "udp", "wrong-password");
    ASSERT_EQ(bad.exit_code, 0) << "attempt " << attempt << "\n" << bad.output;
  }
  EXPECT_FALSE(registration("1001")["registered"].get<bool>());
  const auto blocks = get("/api/v1/sip/blocks", admin_).json();
  ASSERT_EQ(blocks["total"], 1) << blocks.dump();
  EXPECT_EQ(blocks["items"][0]["address"], "127.0.0.1");
  EXPECT_FALSE(blocks["items"][0]["reason"].get<std::string>().empty());
  const auto audit = get("/api/v1/audit?action=sip.block", admin_).json();
  EXPECT_GE(audit["total"].get<int>(), 1) << audit.dump();

  // Blocked: even the right password gets no answer.
  EXPECT_FALSE(udp_exchange(daemon_->sip_port(),
                            options_request(daemon_->sip_port(), "UDP", "hotline-test", "b1"),
                            1500));
  const auto silent = sipp("register_ok.xml", "udp", kPhonePassword, "-timeout 6s");
  EXPECT_NE(silent.exit_code, 0) << silent.output;

  // Supervisors see blocks but cannot lift them; admins can.
  const auto supervisor = login("supervisor1");
  EXPECT_EQ(get("/api/v1/sip/blocks", supervisor).status, 200u);
  EXPECT_EQ(del("/api/v1/sip/blocks/127.0.0.1", supervisor).status, 403u);
  EXPECT_EQ(del("/api/v1/sip/blocks/127.0.0.1", admin_).status, 204u);
  EXPECT_EQ(del("/api/v1/sip/blocks/127.0.0.1", admin_).status, 404u);
  EXPECT_EQ(get("/api/v1/sip/blocks", admin_).json()["total"], 0);
  const auto unblocked = get("/api/v1/audit?action=sip.unblock", admin_).json();
  EXPECT_EQ(unblocked["total"], 1) << unblocked.dump();

  const auto again = sipp("register_ok.xml");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(registration("1001")["registered"].get<bool>());
}

TEST_P(SipRegistrarTest, BindingsSurviveARestart) {
  const auto run = sipp("register_ok.xml");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // Same database, new process (and a new SIP port: bindings do not depend on it).
  const auto data_dir = daemon_->data_dir();
  ASSERT_EQ(daemon_->stop(), 0) << daemon_->log();
  DaemonOptions options;
  options.db_url = database_->url();
  options.args = {"--data-dir", data_dir};
  daemon_ = std::make_unique<DaemonProcess>(options);
  admin_ = login("admin");
  const auto status = registration("1001");
  EXPECT_TRUE(status["registered"].get<bool>()) << status.dump();
  EXPECT_EQ(status["contacts"].size(), 1u);
}

TEST_P(SipRegistrarTest, ScannersGetNoAnswerAndOthersDo) {
  const auto port = daemon_->sip_port();
  EXPECT_FALSE(udp_exchange(port, options_request(port, "UDP", "friendly-scanner", "s1"), 1500));
  EXPECT_TRUE(
      tcp_exchange(port, options_request(port, "TCP", "sipvicious 0.3", "s2"), 1500).empty());
  const auto answer = udp_exchange(port, options_request(port, "UDP", "Yealink", "s3"), 10000);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->rfind("SIP/2.0 200", 0), 0u) << *answer;
  const auto audit = get("/api/v1/audit?action=sip.block", admin_).json();
  ASSERT_GE(audit["total"].get<int>(), 1) << audit.dump();
  EXPECT_NE(audit.dump().find("scanner"), std::string::npos) << audit.dump();
  const auto metrics = client().get("/metrics").body;
  EXPECT_NE(metrics.find("hotline_sip_dropped_total{reason=\"scanner\"} 2"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("hotline_sip_requests_total{method=\"OPTIONS\"} 1"), std::string::npos)
      << metrics;
}

class SipRateLimitTest : public SipRegistrarTest {
 protected:
  DaemonOptions daemon_options() override {
    auto options = SipRegistrarTest::daemon_options();
    options.config_toml["sip.max_messages_per_second"] = "1";
    return options;
  }
};

// 200 requests at once against a limit of 1 per second: whatever the machine's speed, most
// must go unanswered, and the drop is audited.
TEST_P(SipRateLimitTest, AFloodFromOneSourceIsMostlyDropped) {
  const auto port = daemon_->sip_port();
  UdpPhone phone;
  for (int i = 0; i < 200; ++i)
    phone.send(port, options_request(port, "UDP", "flood", "f" + std::to_string(i)));
  int answered = 0;
  while (auto message = phone.receive(3000))
    if (message->rfind("SIP/2.0 200", 0) == 0) ++answered;
  EXPECT_GE(answered, 1);
  EXPECT_LT(answered, 100);
  const auto audit = get("/api/v1/audit?action=sip.block", admin_).json();
  EXPECT_NE(audit.dump().find("rate_limit"), std::string::npos) << audit.dump();
}

TEST_P(SipRegistrarTest, UnauthenticatedInviteIsChallengedNotRouted) {
  const auto port = daemon_->sip_port();
  const std::string target = "127.0.0.1:" + std::to_string(port);
  const std::string invite = "INVITE sip:84038437@" + target + " SIP/2.0\r\n" +
                             "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKinv1;rport\r\n" +
                             "From: <sip:intruder@127.0.0.1>;tag=i1\r\nTo: <sip:84038437@" +
                             target + ">\r\n" +
                             "Call-ID: inv1@127.0.0.1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n" +
                             "Contact: <sip:intruder@127.0.0.1:5999>\r\nContent-Length: 0\r\n\r\n";
  const auto answer = udp_exchange(port, invite, 10000);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->rfind("SIP/2.0 401", 0), 0u) << *answer;
  EXPECT_NE(answer->find("WWW-Authenticate: Digest"), std::string::npos) << *answer;
}

// Authorization for a REGISTER answered with `challenge` (MD5, nc=00000001).
std::string authorize(const std::string& challenge, std::uint16_t port) {
  const auto start = challenge.find("nonce=\"") + 7;
  const auto nonce = challenge.substr(start, challenge.find('"', start) - start);
  const auto uri = "sip:127.0.0.1:" + std::to_string(port);
  const auto ha1 = sip::compute_ha1(sip::DigestAlgorithm::Md5, "1001", "hotline", kPhonePassword);
  const auto response = sip::compute_response(sip::DigestAlgorithm::Md5, ha1,
                                              {"REGISTER", uri, nonce, "00000001", "k1", "auth"});
  return "Digest username=\"1001\", realm=\"hotline\", nonce=\"" + nonce + "\", uri=\"" + uri +
         "\", response=\"" + response + "\", algorithm=MD5, cnonce=\"k1\", qop=auth, nc=00000001";
}

class SipKeepAliveTest : public SipRegistrarTest {
 protected:
  DaemonOptions daemon_options() override {
    auto options = SipRegistrarTest::daemon_options();
    options.config_toml["sip.keepalive_interval_seconds"] = "1";
    return options;
  }
};

// A phone behind NAT registers a Contact nobody can reach (a private address); the daemon
// keeps its binding alive with OPTIONS sent to where the REGISTER really came from.
TEST_P(SipKeepAliveTest, OptionsReachThePhoneAtItsObservedSource) {
  const auto port = daemon_->sip_port();
  UdpPhone phone;
  const std::string contact = "sip:1001@192.168.77.10:5060";
  phone.send(port, register_request(port, "nat1", "", contact));
  const auto challenge = phone.receive(10000);
  ASSERT_TRUE(challenge);
  ASSERT_EQ(challenge->rfind("SIP/2.0 401", 0), 0u) << *challenge;
  phone.send(port, register_request(port, "nat2", authorize(*challenge, port), contact));
  std::optional<std::string> options;
  bool registered = false;
  // The 200 and the first OPTIONS may arrive in either order; wait generously for both.
  for (int i = 0; i < 10 && !(registered && options); ++i) {
    auto message = phone.receive(5000);
    if (!message) continue;
    if (message->rfind("SIP/2.0 200", 0) == 0) registered = true;
    if (message->rfind("OPTIONS ", 0) == 0) options = message;
  }
  ASSERT_TRUE(registered);
  ASSERT_TRUE(options) << "no keep-alive OPTIONS arrived";
  EXPECT_EQ(options->rfind("OPTIONS " + contact + " SIP/2.0", 0), 0u) << *options;
  const auto status = registration("1001");
  ASSERT_EQ(status["contacts"].size(), 1u) << status.dump();
  EXPECT_TRUE(status["contacts"][0]["behind_nat"].get<bool>());
  EXPECT_EQ(status["contacts"][0]["source"], "127.0.0.1:" + std::to_string(phone.port()));
  EXPECT_EQ(status["contacts"][0]["contact"], contact);
}

HOTLINE_INSTANTIATE_API_TEST(SipRegistrarTest);
HOTLINE_INSTANTIATE_API_TEST(SipKeepAliveTest);
HOTLINE_INSTANTIATE_API_TEST(SipRateLimitTest);

}  // namespace
}  // namespace hotline::test
