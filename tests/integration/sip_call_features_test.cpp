// Call features through the real daemon with real SIPp peers on loopback, beyond the basic
// call of sip_call_test.cpp: the carrier trunk (SIPp at 127.0.0.2, the demo IP-peer trunk)
// calls the demo's direct line 84038438, which the demo routes to extension 1001 (SIPp phones on
// 127.0.0.1, registered with the demo SIP password). Covers hold and resume by re-INVITE, blind
// transfer by REFER, the caller's session timer, the ring timeout, ringing every contact of
// an extension at once, what the caller hears before the answer (ringback, early media) and a
// phone's codec change mid-call.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "api_test_fixture.hpp"
#include "rtp_listener.hpp"
#include "scratch_dir.hpp"
#include "sipp_runner.hpp"
#include "tone_analysis.hpp"
#include "tone_pcap.hpp"

namespace hotline::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// The demo's direct line to extension 1001 (84038437 itself is answered by the IVR).
constexpr const char* kPublicNumber = "84038438";
constexpr int kRingTimeoutSeconds = 5;

// Whether a socket (a SIPp phone) is bound to UDP 127.0.0.1:port, from /proc/net/udp (whose
// local_address column reads 0100007F:PORT in hex); looking does not disturb its bind.
bool udp_port_bound(std::uint16_t port) {
  char wanted[32];
  std::snprintf(wanted, sizeof wanted, " 0100007F:%04X ", port);
  std::ifstream table("/proc/net/udp");
  for (std::string line; std::getline(table, line);)
    if (line.find(wanted) != std::string::npos) return true;
  return false;
}

class SipCallFeaturesTest : public ApiTest {
 protected:
  DaemonOptions daemon_options() override {
    DaemonOptions options;
    options.config_toml = {
        {"calls.ring_timeout_seconds", std::to_string(kRingTimeoutSeconds)},
        // No keep-alive OPTIONS: a SIPp phone takes any request it does not expect as an error.
        {"sip.keepalive_interval_seconds", "0"}};
    return options;
  }

  void SetUp() override {
    ApiTest::SetUp();
    admin_ = login("admin");
    phone_port_ = register_phone("1001");
    ASSERT_FALSE(HasFailure()) << "extension 1001 did not register";
  }

  // Registers `extension` (demo SIP password) from a new port on 127.0.0.1; returns the port.
  std::uint16_t register_phone(const std::string& extension) {
    const auto port = free_loopback_sip_port();
    const auto registered = run_sipp(daemon_->sip_port(), {.scenario = "register_ok.xml",
                                                           .local_port = port,
                                                           .service = extension,
                                                           .auth_password = kDemoPassword});
    EXPECT_EQ(registered.exit_code, 0) << registered.output;
    return port;
  }

  // A phone scenario in the background, on its registered contact's port; returns once SIPp
  // listens there (a call to a port nobody listens on fails at once).
  std::future<SippRun> phone(SippArgs args) {
    auto running = std::async(std::launch::async,
                              [this, args] { return run_sipp(daemon_->sip_port(), args); });
    for (int i = 0; i < 100 && !udp_port_bound(args.local_port); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return running;
  }

  // The carrier calls the public number.
  SippRun trunk(const std::string& scenario, int pause_ms = 0,
                std::map<std::string, std::string> replace = {}, int timeout_s = 40) {
    return run_sipp(daemon_->sip_port(), {.scenario = scenario,
                                          .local_ip = "127.0.0.2",
                                          .service = kPublicNumber,
                                          .replace = std::move(replace),
                                          .pause_ms = pause_ms,
                                          .timeout_s = timeout_s});
  }

  // The carrier calls with its media on a port the test listens on (uac_trunk_listen.xml, hung
  // up `hold_ms` after the answer) while `phone_args` runs as 1001; both scenarios must pass.
  // Returns what reached the caller.
  std::unique_ptr<RtpListener> call_and_listen(SippArgs phone_args, int hold_ms) {
    auto caller_media = std::make_unique<RtpListener>("127.0.0.2");
    phone_args.local_port = phone_port_;
    auto phone_run = phone(std::move(phone_args));
    const auto caller = trunk("uac_trunk_listen.xml", hold_ms,
                              {{"[caller_rtp_port]", std::to_string(caller_media->port())}});
    const auto callee = phone_run.get();
    EXPECT_EQ(callee.exit_code, 0) << callee.output;
    EXPECT_EQ(caller.exit_code, 0) << caller.output;
    return caller_media;
  }

  // The newest call record, once it has ended (records are written off the SIP path).
  nlohmann::json last_call(const std::string& disposition) {
    nlohmann::json call;
    for (int i = 0; i < 50; ++i) {
      const auto list = get("/api/v1/calls?page_size=1", admin_).json();
      if (!list["items"].empty() && list["items"][0]["disposition"] == disposition) {
        const auto id = list["items"][0]["id"].get<std::int64_t>();
        return get("/api/v1/calls/" + std::to_string(id), admin_).json();
      }
      if (!list["items"].empty()) call = list["items"][0];
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "no call ended as " << disposition << "; newest: " << call.dump();
    return call;
  }

  std::string admin_;
  std::uint16_t phone_port_ = 0;
};

std::vector<std::string> event_types(const nlohmann::json& record) {
  std::vector<std::string> types;
  for (const auto& event : record["events"]) types.push_back(event["type"]);
  return types;
}

// The first event of this type (null when there is none).
nlohmann::json find_event(const nlohmann::json& record, const std::string& type) {
  for (const auto& event : record["events"])
    if (event["type"] == type) return event;
  return nullptr;
}

// Position of the first event of this type; -1 when there is none.
long event_index(const nlohmann::json& record, const std::string& type) {
  const auto types = event_types(record);
  const auto found = std::find(types.begin(), types.end(), type);
  return found == types.end() ? -1 : found - types.begin();
}

TEST_P(SipCallFeaturesTest, PhoneHoldsAndResumesTheCallWithReInvite) {
  // feat_uas_hold.xml checks the answers itself: a=recvonly to its a=sendonly, a=sendrecv to
  // its a=sendrecv.
  auto phone_run = phone({.scenario = "feat_uas_hold.xml", .local_port = phone_port_});
  const auto caller = trunk("feat_uac_trunk_call.xml", 4500);
  const auto callee = phone_run.get();
  EXPECT_EQ(callee.exit_code, 0) << callee.output;
  ASSERT_EQ(caller.exit_code, 0) << caller.output;

  const auto record = last_call("answered");
  EXPECT_EQ(record["answered_by"], "1001");
  EXPECT_EQ(record["hangup_side"], "caller");
  const auto hold = event_index(record, "hold");
  const auto unhold = event_index(record, "unhold");
  ASSERT_GE(hold, 0) << record["events"].dump();
  ASSERT_GT(unhold, hold) << record["events"].dump();
  EXPECT_EQ(record["events"][hold]["detail"]["by"], "1001") << record["events"].dump();
}

TEST_P(SipCallFeaturesTest, PhoneTransfersTheCallerBlindWithRefer) {
  const auto target_port = register_phone("1002");
  // 1001 answers and REFERs the caller to 1002 (its scenario checks 202, both NOTIFYs and the
  // BYE that releases it); 1002 answers and stays with the caller until the caller hangs up.
  auto transferor = phone({.scenario = "feat_uas_refer.xml",
                           .local_port = phone_port_,
                           .replace = {{"[transfer_to]", "1002"}}});
  auto target = phone({.scenario = "uas_answer.xml", .local_port = target_port, .service = "1002"});
  const auto caller = trunk("feat_uac_trunk_call.xml", 6000);
  const auto first = transferor.get();
  const auto second = target.get();
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(second.exit_code, 0) << second.output;
  ASSERT_EQ(caller.exit_code, 0) << caller.output;

  const auto record = last_call("answered");
  EXPECT_EQ(record["hangup_side"], "caller");
  EXPECT_EQ(record["cause"], "normal_clearing");
  // 1001 answered the call and stays its answerer; the legs show who took it over.
  const auto answered = find_event(record, "answered");
  ASSERT_FALSE(answered.is_null()) << record["events"].dump();
  EXPECT_EQ(answered["detail"]["party"], "1001");
  EXPECT_EQ(record["answered_by"], "1001");
  const auto transfer = event_index(record, "transfer");
  const auto transferred = event_index(record, "transferred");
  ASSERT_GE(transfer, 0) << record["events"].dump();
  ASSERT_GT(transferred, transfer) << record["events"].dump();
  EXPECT_EQ(record["events"][transfer]["detail"]["to"], "1002");
  EXPECT_EQ(record["events"][transferred]["detail"]["to"], "1002");

  bool transferor_leg = false;
  bool target_leg = false;
  for (const auto& leg : record["legs"]) {
    if (leg["party"] == "1001" && leg["final_status"] == 200) transferor_leg = true;
    if (leg["party"] == "1002" && leg["final_status"] == 200) {
      target_leg = true;
      EXPECT_EQ(leg["role"], "transfer") << record["legs"].dump();
      EXPECT_EQ(leg["contact"], "127.0.0.1:" + std::to_string(target_port));
    }
  }
  EXPECT_TRUE(transferor_leg) << record["legs"].dump();
  EXPECT_TRUE(target_leg) << record["legs"].dump();
}

TEST_P(SipCallFeaturesTest, CallersSessionTimerIsConfirmedInThe200) {
  // feat_uac_session_timer.xml asks for Session-Expires: 90;refresher=uac with Supported: timer
  // and checks the 200 for Session-Expires: 90;refresher=uac and Require: timer.
  auto phone_run = phone({.scenario = "uas_answer.xml", .local_port = phone_port_});
  const auto caller = trunk("feat_uac_session_timer.xml", 1500);
  const auto callee = phone_run.get();
  EXPECT_EQ(callee.exit_code, 0) << callee.output;
  EXPECT_EQ(caller.exit_code, 0) << caller.output;
  const auto record = last_call("answered");
  EXPECT_EQ(record["answered_by"], "1001");
  EXPECT_EQ(record["cause"], "normal_clearing");
}

// The one slow test (about 60 s): the shortest interval the daemon accepts is 90 s
// (calls.min_session_expires_seconds), and a peer that should refresh gets 90 - 30 s.
TEST_P(SipCallFeaturesTest, CallerThatNeverRefreshesIsHungUpWhenTheSessionExpires) {
  auto phone_run =
      phone({.scenario = "uas_answer.xml", .local_port = phone_port_, .timeout_s = 100});
  const auto started = steady_clock::now();
  const auto caller = trunk("feat_uac_session_expires.xml", 0, {}, 100);
  const auto elapsed = std::chrono::duration<double>(steady_clock::now() - started).count();
  const auto callee = phone_run.get();
  EXPECT_EQ(callee.exit_code, 0) << callee.output;
  ASSERT_EQ(caller.exit_code, 0) << caller.output;
  EXPECT_GE(elapsed, 55.0);
  EXPECT_LT(elapsed, 90.0);

  const auto record = last_call("answered");
  EXPECT_EQ(record["cause"], "session_timer_expired");
  EXPECT_EQ(record["hangup_side"], "system");
  const auto expired = find_event(record, "session_expired");
  ASSERT_FALSE(expired.is_null()) << record["events"].dump();
  EXPECT_EQ(expired["detail"]["party"], "13800138000");
}

TEST_P(SipCallFeaturesTest, UnansweredCallIsCancelledAfterTheRingTimeout) {
  // The phone only rings; after calls.ring_timeout_seconds it gets CANCEL, the caller 480.
  auto phone_run = phone({.scenario = "uas_ring_cancel.xml", .local_port = phone_port_});
  const auto started = steady_clock::now();
  const auto caller = trunk("uac_refused.xml", 0, {{"[expect]", "480"}});
  const auto elapsed = std::chrono::duration<double>(steady_clock::now() - started).count();
  const auto callee = phone_run.get();
  EXPECT_EQ(callee.exit_code, 0) << callee.output;
  ASSERT_EQ(caller.exit_code, 0) << caller.output;
  EXPECT_GE(elapsed, kRingTimeoutSeconds - 0.5);
  EXPECT_LT(elapsed, kRingTimeoutSeconds + 4.0);

  const auto record = last_call("no_answer");
  EXPECT_EQ(record["cause"], "ring_timeout");
  EXPECT_EQ(record["hangup_side"], "system");
  EXPECT_TRUE(record["answered_at"].is_null());
  EXPECT_FALSE(record["ringing_at"].is_null());
}

TEST_P(SipCallFeaturesTest, EveryContactRingsAndTheFirstToAnswerWins) {
  // 1001 registered twice: this contact answers, the other one only rings and must be
  // cancelled (its scenario expects CANCEL and answers 487).
  const auto second_port = register_phone("1001");
  const auto bindings = get("/api/v1/sip/registrations?extension=1001", admin_).json();
  ASSERT_EQ(bindings["items"].size(), 1u) << bindings.dump();
  ASSERT_EQ(bindings["items"][0]["contacts"].size(), 2u) << bindings.dump();

  auto answering = phone({.scenario = "uas_answer.xml", .local_port = phone_port_});
  auto ringing = phone({.scenario = "uas_ring_cancel.xml", .local_port = second_port});
  const auto caller = trunk("uac_trunk_call.xml");
  const auto winner = answering.get();
  const auto loser = ringing.get();
  EXPECT_EQ(winner.exit_code, 0) << winner.output;
  EXPECT_EQ(loser.exit_code, 0) << loser.output;
  ASSERT_EQ(caller.exit_code, 0) << caller.output;

  const auto record = last_call("answered");
  EXPECT_EQ(record["answered_by"], "1001");
  const auto types = event_types(record);
  EXPECT_EQ(std::count(types.begin(), types.end(), "dialing"), 2) << record["events"].dump();
  ASSERT_EQ(record["legs"].size(), 3u) << record.dump();
  std::map<std::string, nlohmann::json> by_contact;
  for (const auto& leg : record["legs"]) by_contact[leg["contact"]] = leg;
  const auto winner_leg = by_contact["127.0.0.1:" + std::to_string(phone_port_)];
  const auto loser_leg = by_contact["127.0.0.1:" + std::to_string(second_port)];
  EXPECT_EQ(winner_leg["final_status"], 200) << record["legs"].dump();
  EXPECT_FALSE(winner_leg["answered_at"].is_null()) << record["legs"].dump();
  EXPECT_EQ(loser_leg["party"], "1001") << record["legs"].dump();
  EXPECT_NE(loser_leg["final_status"], 200) << record["legs"].dump();
  EXPECT_TRUE(loser_leg["answered_at"].is_null()) << record["legs"].dump();
}

// Before the answer the caller hears the daemon's own ringback (450 Hz, 1 s on, 4 s off) while
// the phone only rings (180 without SDP).
TEST_P(SipCallFeaturesTest, TheCallerHearsRingbackWhileThePhoneRings) {
  const auto caller_media = call_and_listen(
      {.scenario = "uas_slow_answer.xml", .replace = {{"[ring_ms]", "2500"}}}, 1000);
  ASSERT_FALSE(HasFailure());

  const auto ringing = caller_media->pcmu_audio(milliseconds(100), milliseconds(900));
  ASSERT_GT(ringing.size(), 4000u) << caller_media->packets() << " RTP packets reached the caller";
  EXPECT_GT(tone_power_ratio(ringing, 8000, 450), 0.8);
  const auto record = last_call("answered");
  EXPECT_LT(event_index(record, "early_media"), 0) << record["events"].dump();
}

// A phone that sends early media (183 with SDP, then audio) is heard by the caller instead of
// the daemon's ringback, before the answer.
TEST_P(SipCallFeaturesTest, ThePhonesEarlyMediaReachesTheCallerBeforeTheAnswer) {
  constexpr double kPhoneTone = 1000;
  const ScratchDir scratch("early-media");
  const auto tone = (scratch.path() / "tone.pcap").string();
  write_tone_pcap(tone, kPhoneTone, 4);
  const auto caller_media =
      call_and_listen({.scenario = "uas_early_media.xml",
                       .replace = {{"[ring_ms]", "2500"}, {"[tone_pcap]", tone}}},
                      1000);
  ASSERT_FALSE(HasFailure());

  const auto early = caller_media->pcmu_audio(milliseconds(300), milliseconds(2000));
  ASSERT_GT(early.size(), 8000u) << caller_media->packets() << " RTP packets reached the caller";
  EXPECT_GT(tone_power_ratio(early, 8000, kPhoneTone), 0.8);
  EXPECT_LT(tone_power_ratio(early, 8000, 450), 0.05);  // no ringback over it
  const auto record = last_call("answered");
  const auto event = find_event(record, "early_media");
  ASSERT_FALSE(event.is_null()) << record["events"].dump();
  EXPECT_EQ(event["detail"]["party"], "1001");
  EXPECT_LT(event_index(record, "early_media"), event_index(record, "answered"));
}

// A phone that changes codec mid-call with a re-INVITE (PCMA to PCMU) is answered by the daemon
// alone: the caller's leg is not touched and keeps hearing the phone, before and after.
TEST_P(SipCallFeaturesTest, APhoneChangesCodecMidCallAndTheCallerKeepsHearingIt) {
  constexpr double kBeforeTone = 1000;
  constexpr double kAfterTone = 600;
  const ScratchDir scratch("codec-change");
  const auto before = (scratch.path() / "pcma.pcap").string();
  const auto after = (scratch.path() / "pcmu.pcap").string();
  write_tone_pcap(before, kBeforeTone, 3, G711::pcma);
  write_tone_pcap(after, kAfterTone, 3, G711::pcmu);
  // The phone's scenario checks that the 200 to its re-INVITE chose PCMU.
  const auto caller_media = call_and_listen(
      {.scenario = "uas_codec_change.xml",
       .replace = {{"[tone_a]", before}, {"[tone_u]", after}, {"[phase_ms]", "3000"}}},
      7000);
  ASSERT_FALSE(HasFailure());

  const auto first = caller_media->pcmu_audio(milliseconds(500), milliseconds(2500));
  const auto second = caller_media->pcmu_audio(milliseconds(3700), milliseconds(5700));
  ASSERT_GT(first.size(), 8000u) << caller_media->packets() << " RTP packets reached the caller";
  ASSERT_GT(second.size(), 8000u) << caller_media->packets() << " RTP packets reached the caller";
  EXPECT_GT(tone_power_ratio(first, 8000, kBeforeTone), 0.8);
  EXPECT_GT(tone_power_ratio(second, 8000, kAfterTone), 0.8);
  const auto record = last_call("answered");
  EXPECT_LT(event_index(record, "hold"), 0) << record["events"].dump();  // not a hold
}

HOTLINE_INSTANTIATE_API_TEST(SipCallFeaturesTest);

}  // namespace
}  // namespace hotline::test
