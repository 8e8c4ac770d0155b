// Calls through the real daemon with real SIPp peers on loopback: the carrier trunk (SIPp at
// 127.0.0.2, the demo IP-peer trunk) calls the demo's direct line 84038438, which the demo routes
// to extension 1001, registered by a SIPp phone on 127.0.0.1. Checks the SIP outcome on both
// sides and the call record, recording and events the daemon keeps.
#include <chrono>
#include <future>
#include <thread>

#include "api_test_fixture.hpp"
#include "sip_wire.hpp"
#include "sipp_runner.hpp"

namespace hotline::test {
namespace {

constexpr const char* kPhonePassword = "Phone#1001";
// The demo's direct line to extension 1001 (84038437 itself is answered by the IVR).
constexpr const char* kPublicNumber = "84038438";

class SipCallTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = login("admin");
    set_sip_password("agent1", kPhonePassword);
    phone_port_ = free_loopback_sip_port();
    const auto registered = run_sipp(
        daemon_->sip_port(),
        {"register_ok.xml", "127.0.0.1", phone_port_, "1001", "", 1, "", "1001", kPhonePassword});
    ASSERT_EQ(registered.exit_code, 0) << registered.output;
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

  // The phone (extension 1001) runs `scenario` in the background while the trunk runs its own.
  std::pair<SippRun, SippRun> call(const std::string& phone_scenario,
                                   const std::string& trunk_scenario,
                                   const std::string& phone_expect = "",
                                   const std::string& trunk_expect = "") {
    auto phone = std::async(std::launch::async, [&] {
      return run_sipp(daemon_->sip_port(),
                      {phone_scenario, "127.0.0.1", phone_port_, "1001", "", 1, phone_expect});
    });
    EXPECT_TRUE(wait_for_udp_listener("127.0.0.1", phone_port_));  // the phone listens first
    auto trunk = run_sipp(daemon_->sip_port(),
                          {trunk_scenario, "127.0.0.2", 0, kPublicNumber, "", 1, trunk_expect});
    return {phone.get(), trunk};
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

  std::int64_t demo_trunk_id() {
    const auto trunks = get("/api/v1/trunks", admin_).json();
    for (const auto& trunk : trunks["items"])
      if (trunk["name"] == "demo-carrier") return trunk["id"].get<std::int64_t>();
    ADD_FAILURE() << "no demo trunk: " << trunks.dump();
    return 0;
  }

  std::string admin_;
  std::uint16_t phone_port_ = 0;
};

TEST_P(SipCallTest, TrunkCallReachesTheRegisteredExtensionAndIsRecorded) {
  const auto [phone, trunk] = call("uas_answer.xml", "uac_trunk_call.xml");
  EXPECT_EQ(phone.exit_code, 0) << phone.output;
  ASSERT_EQ(trunk.exit_code, 0) << trunk.output;

  const auto record = last_call("answered");
  EXPECT_EQ(record["direction"], "inbound");
  EXPECT_EQ(record["did"], kPublicNumber);
  EXPECT_EQ(record["callee"], kPublicNumber);
  EXPECT_EQ(record["caller"], "13800138000");  // admin sees full numbers
  EXPECT_EQ(record["trunk_name"], "demo-carrier");
  EXPECT_EQ(record["answered_by"], "1001");
  EXPECT_EQ(record["hangup_side"], "caller");
  EXPECT_EQ(record["cause"], "normal_clearing");
  EXPECT_GE(record["talk_seconds"].get<double>(), 2.0);
  ASSERT_EQ(record["legs"].size(), 2u) << record.dump();
  EXPECT_EQ(record["legs"][1]["party"], "1001");
  // Both sides sent audio: the media engine measured it.
  EXPECT_FALSE(record["quality"]["caller_loss_percent"].is_null()) << record.dump();
  EXPECT_FALSE(record["quality"]["callee_loss_percent"].is_null()) << record.dump();
  std::vector<std::string> types;
  for (const auto& event : record["events"]) types.push_back(event["type"]);
  for (const char* expected :
       {"offered", "routed", "dialing", "ringing", "answered", "recording_started", "ended"})
    EXPECT_NE(std::find(types.begin(), types.end(), expected), types.end())
        << expected << " missing in " << record["events"].dump();

  // The recording lands when the writer has compressed it.
  nlohmann::json recording;
  for (int i = 0; i < 100 && recording.is_null(); ++i) {
    const auto call =
        get("/api/v1/calls/" + std::to_string(record["id"].get<std::int64_t>()), admin_).json();
    if (!call["recording_id"].is_null()) {
      const auto list = get("/api/v1/recordings?page_size=5", admin_).json();
      for (const auto& item : list["items"])
        if (item["id"] == call["recording_id"]) recording = item;
    }
    if (recording.is_null()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(recording.is_null()) << "no recording for the call";
  EXPECT_GE(recording["duration_ms"].get<std::int64_t>(), 2000);
  const auto audio =
      get("/api/v1/recordings/" + std::to_string(recording["id"].get<std::int64_t>()) + "/audio",
          admin_);
  EXPECT_EQ(audio.status, 200u);
  EXPECT_EQ(audio.body.size(), recording["bytes"].get<std::size_t>());
}

TEST_P(SipCallTest, CallerHangingUpWhileItRingsCancelsThePhone) {
  const auto [phone, trunk] = call("uas_ring_cancel.xml", "uac_cancel.xml");
  EXPECT_EQ(phone.exit_code, 0) << phone.output;
  EXPECT_EQ(trunk.exit_code, 0) << trunk.output;
  const auto record = last_call("cancelled");
  EXPECT_EQ(record["hangup_side"], "caller");
  EXPECT_EQ(record["cause"], "caller_cancel");
  EXPECT_TRUE(record["answered_at"].is_null());
}

TEST_P(SipCallTest, BusyPhoneGivesTheCallerBusy) {
  const auto [phone, trunk] = call("uas_reject.xml", "uac_refused.xml", "486", "486");
  EXPECT_EQ(phone.exit_code, 0) << phone.output;
  EXPECT_EQ(trunk.exit_code, 0) << trunk.output;
  const auto record = last_call("busy");
  EXPECT_EQ(record["hangup_side"], "callee");
  EXPECT_EQ(record["cause"].get<std::string>().rfind("sip:486", 0), 0u) << record.dump();
}

TEST_P(SipCallTest, CallsOverTheTrunkChannelLimitGet503) {
  auto headers = bearer(admin_);
  headers["Content-Type"] = "application/json";
  const auto id = demo_trunk_id();
  const nlohmann::json body = {{"max_channels", 1}};
  const auto updated = client().request(
      boost::beast::http::verb::put, "/api/v1/trunks/" + std::to_string(id), body.dump(), headers);
  ASSERT_EQ(updated.status, 200u) << updated.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the routing table reloads

  // One call holds the only channel while a second one arrives.
  auto first =
      std::async(std::launch::async, [&] { return call("uas_answer.xml", "uac_trunk_call.xml"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  // 503 with Retry-After: 30 (the default calls.trunk_retry_after_seconds).
  const auto second =
      run_sipp(daemon_->sip_port(), {"uac_shed.xml", "127.0.0.2", 0, kPublicNumber, "", 1, "30"});
  EXPECT_EQ(second.exit_code, 0) << second.output;
  const auto [phone, caller] = first.get();
  EXPECT_EQ(caller.exit_code, 0) << caller.output;
  const auto blocked = get("/api/v1/calls?disposition=blocked", admin_).json();
  ASSERT_EQ(blocked["total"], 1) << blocked.dump();
  EXPECT_EQ(blocked["items"][0]["cause"], "trunk_channels_full");
}

TEST_P(SipCallTest, UnknownSourceIsChallengedNotRouted) {
  const auto refused = run_sipp(daemon_->sip_port(),
                                {"uac_refused.xml", "127.0.0.9", 0, kPublicNumber, "", 1, "401"});
  EXPECT_EQ(refused.exit_code, 0) << refused.output;
  const auto calls = get("/api/v1/calls", admin_).json();
  EXPECT_EQ(calls["total"], 0) << calls.dump();
}

TEST_P(SipCallTest, UnknownPublicNumberIsNotFound) {
  const auto refused =
      run_sipp(daemon_->sip_port(), {"uac_refused.xml", "127.0.0.2", 0, "99999999", "", 1, "404"});
  EXPECT_EQ(refused.exit_code, 0) << refused.output;
  const auto record = last_call("failed");
  EXPECT_EQ(record["cause"], "no_route");
}

TEST_P(SipCallTest, GarbageSdpIsRefusedAndLeavesNoCallBehind) {
  const auto refused = run_sipp(daemon_->sip_port(),
                                {"uac_bad_sdp.xml", "127.0.0.2", 0, kPublicNumber, "", 1, "488"});
  EXPECT_EQ(refused.exit_code, 0) << refused.output;
  const auto record = last_call("failed");
  EXPECT_EQ(record["cause"], "sdp_invalid");
  const auto active = get("/api/v1/calls?disposition=active", admin_).json();
  EXPECT_EQ(active["total"], 0) << active.dump();
}

TEST_P(SipCallTest, AnAnswerThatIsNeverAckedEndsTheCall) {
  auto phone = std::async(std::launch::async, [this] {
    return run_sipp(daemon_->sip_port(), {"uas_answer.xml", "127.0.0.1", phone_port_, "1001"});
  });
  EXPECT_TRUE(wait_for_udp_listener("127.0.0.1", phone_port_));
  const auto caller = run_sipp(daemon_->sip_port(), {.scenario = "uac_no_ack.xml",
                                                     .local_ip = "127.0.0.2",
                                                     .service = kPublicNumber,
                                                     .timeout_s = 60});
  EXPECT_EQ(caller.exit_code, 0) << caller.output;
  EXPECT_EQ(phone.get().exit_code, 0);  // the phone is hung up too
  const auto record = last_call("answered");
  EXPECT_EQ(record["cause"], "ack_timeout");
  EXPECT_EQ(record["hangup_side"], "system");
}

HOTLINE_INSTANTIATE_API_TEST(SipCallTest);

// A daemon that may carry one call at a time sheds the next one with 503 + Retry-After.
class SipOverloadTest : public SipCallTest {
 protected:
  DaemonOptions daemon_options() override {
    DaemonOptions options;
    options.config_toml["calls.max_calls"] = "1";
    options.config_toml["calls.trunk_retry_after_seconds"] = "7";
    return options;
  }
};

TEST_P(SipOverloadTest, CallsBeyondTheCallLimitAreShedWith503) {
  auto first =
      std::async(std::launch::async, [&] { return call("uas_answer.xml", "uac_trunk_call.xml"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  // 503 with Retry-After: 7, as configured.
  const auto second =
      run_sipp(daemon_->sip_port(), {"uac_shed.xml", "127.0.0.2", 0, kPublicNumber, "", 1, "7"});
  EXPECT_EQ(second.exit_code, 0) << second.output;
  const auto [phone, caller] = first.get();
  EXPECT_EQ(caller.exit_code, 0) << caller.output;
  EXPECT_EQ(phone.exit_code, 0) << phone.output;
  const auto blocked = get("/api/v1/calls?disposition=blocked", admin_).json();
  ASSERT_EQ(blocked["total"], 1) << blocked.dump();
  EXPECT_EQ(blocked["items"][0]["cause"], "overload_calls_in_progress");
  const auto metrics = client().get("/metrics");
  EXPECT_NE(metrics.body.find("hotline_calls_shed_total{reason=\"overload_calls_in_progress\"} 1"),
            std::string::npos)
      << metrics.body.substr(0, 2000);
  // Once the first call is over, calls are taken again.
  const auto [phone2, caller2] = call("uas_answer.xml", "uac_trunk_call.xml");
  EXPECT_EQ(caller2.exit_code, 0) << caller2.output;
}

HOTLINE_INSTANTIATE_API_TEST(SipOverloadTest);

// Both parties stop sending audio and never hang up (a vanished carrier and a phone that lost
// its network): after calls.media_timeout_seconds of silence the daemon ends the call.
class SipMediaTimeoutTest : public SipCallTest {
 protected:
  DaemonOptions daemon_options() override {
    DaemonOptions options;
    options.config_toml["calls.media_timeout_seconds"] = "2";
    return options;
  }
};

TEST_P(SipMediaTimeoutTest, ASilentAnsweredCallIsHungUp) {
  // Each side plays a 7 s capture, then only waits for a BYE.
  const auto [phone, caller] = call("uas_answer.xml", "uac_trunk_wait_bye.xml");
  EXPECT_EQ(caller.exit_code, 0) << caller.output;
  EXPECT_EQ(phone.exit_code, 0) << phone.output;
  const auto record = last_call("answered");
  EXPECT_EQ(record["cause"], "media_timeout") << record.dump();
  EXPECT_EQ(record["hangup_side"], "system");
}

HOTLINE_INSTANTIATE_API_TEST(SipMediaTimeoutTest);

}  // namespace
}  // namespace hotline::test
