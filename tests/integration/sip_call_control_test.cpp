// Call control on live calls through the REST API (hangup, hold, attended transfer,
// conference, park and retrieve), and calls placed by phones: to another extension, to the
// public number, out through the carrier trunk, and a number no outbound rule allows.
// Real daemon, SIPp phones on 127.0.0.1 (extensions 1001 and 1002) and the carrier at 127.0.0.2.
#include <chrono>
#include <future>
#include <thread>

#include "api_test_fixture.hpp"
#include "sipp_runner.hpp"

namespace hotline::test {
namespace {

constexpr const char* kPassword = "Phone#Test1";
// The demo's direct line to extension 1001 (84038437 itself is answered by the IVR).
constexpr const char* kPublicNumber = "84038438";

class SipCallControlTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = login("admin");
    for (const auto& [user, extension] : {std::pair{"agent1", "1001"}, {"agent2", "1002"}}) {
      set_sip_password(user, kPassword);
      const auto port = free_loopback_sip_port();
      ports_[extension] = port;
      const auto registered =
          sipp({"register_ok.xml", "127.0.0.1", port, extension, "", 1, "", extension, kPassword});
      ASSERT_EQ(registered.exit_code, 0) << registered.output;
    }
  }

  SippRun sipp(const SippArgs& args) { return run_sipp(daemon_->sip_port(), args); }

  // A phone answering every call to `extension` until the daemon hangs it up.
  std::future<SippRun> phone_answers(const std::string& extension) {
    const auto port = ports_.at(extension);
    auto phone = std::async(std::launch::async, [this, port, extension] {
      return sipp({"uas_answer.xml", "127.0.0.1", port, extension});
    });
    EXPECT_TRUE(wait_for_udp_listener("127.0.0.1", port)) << "phone " << extension;
    return phone;
  }

  std::future<SippRun> carrier_calls(const std::string& scenario, int hold_ms = 0) {
    return std::async(std::launch::async, [this, scenario, hold_ms] {
      return sipp({scenario, "127.0.0.2", 0, kPublicNumber,
                   hold_ms ? "-d " + std::to_string(hold_ms) : std::string()});
    });
  }

  std::int64_t user_id(const std::string& username) {
    const auto users = get("/api/v1/users?q=" + username, admin_).json();
    for (const auto& user : users["items"])
      if (user["username"] == username) return user["id"].get<std::int64_t>();
    ADD_FAILURE() << "no user " << username;
    return 0;
  }

  void set_sip_password(const std::string& username, const std::string& password) {
    const auto response =
        send(boost::beast::http::verb::put,
             "/api/v1/users/" + std::to_string(user_id(username)) + "/sip-password",
             {{"password", password}});
    ASSERT_EQ(response.status, 204u) << response.body;
  }

  HttpResponse send(boost::beast::http::verb verb, const std::string& path,
                    const nlohmann::json& body) {
    auto headers = bearer(admin_);
    headers["Content-Type"] = "application/json";
    return client().request(verb, path, body.dump(), headers);
  }

  // The live call once answered (its record says active with an answer time).
  nlohmann::json answered_call() {
    for (int i = 0; i < 200; ++i) {
      const auto list = get("/api/v1/calls?disposition=active", admin_).json();
      for (const auto& call : list["items"])
        if (!call["answered_at"].is_null()) return call;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "no answered live call: "
                  << get("/api/v1/calls?page_size=5", admin_).json().dump();
    return nlohmann::json::object();
  }

  HttpResponse act(const nlohmann::json& call, const std::string& action,
                   const std::string& target = {}) {
    nlohmann::json body = {{"action", action}};
    if (!target.empty()) body["target"] = target;
    return send(boost::beast::http::verb::post,
                "/api/v1/calls/" + call["uuid"].get<std::string>() + "/actions", body);
  }

  nlohmann::json detail(const nlohmann::json& call) {
    return get("/api/v1/calls/" + std::to_string(call["id"].get<std::int64_t>()), admin_).json();
  }

  bool has_event(const nlohmann::json& call, const std::string& type) {
    const auto record = detail(call);  // named: a temporary's member would die mid-loop
    for (const auto& event : record["events"])
      if (event["type"] == type) return true;
    return false;
  }

  void wait_for_event(const nlohmann::json& call, const std::string& type) {
    for (int i = 0; i < 100; ++i) {
      if (has_event(call, type)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "no " << type << " event in " << detail(call)["events"].dump();
  }

  nlohmann::json ended(const nlohmann::json& call) {
    for (int i = 0; i < 100; ++i) {
      const auto record = detail(call);
      if (record["disposition"] != "active") return record;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "the call did not end";
    return detail(call);
  }

  std::string admin_;
  std::map<std::string, std::uint16_t> ports_;
};

TEST_P(SipCallControlTest, HoldUnholdAndHangupFromTheApi) {
  auto phone = phone_answers("1001");
  auto carrier = carrier_calls("uac_trunk_wait_bye.xml");
  const auto call = answered_call();
  ASSERT_TRUE(call.contains("uuid"));
  EXPECT_EQ(act(call, "hold").status, 200u);
  EXPECT_EQ(act(call, "hold").status, 409u);  // already on hold
  EXPECT_EQ(act(call, "unhold").status, 200u);
  EXPECT_EQ(act(call, "transfer").status, 400u);  // a transfer needs a target
  EXPECT_EQ(act(call, "fly").status, 400u);
  EXPECT_EQ(act(call, "hangup").status, 200u);
  EXPECT_EQ(phone.get().exit_code, 0);
  const auto caller = carrier.get();
  EXPECT_EQ(caller.exit_code, 0) << caller.output;
  const auto record = ended(call);
  EXPECT_EQ(record["disposition"], "answered");
  EXPECT_EQ(record["cause"], "api_hangup");
  EXPECT_EQ(record["hangup_side"], "system");
  EXPECT_TRUE(has_event(call, "hold"));
  EXPECT_TRUE(has_event(call, "unhold"));
  EXPECT_EQ(act(call, "hangup").status, 404u);  // gone
}

TEST_P(SipCallControlTest, AttendedTransferHandsTheCallerOver) {
  auto first = phone_answers("1001");
  auto carrier = carrier_calls("uac_trunk_long.xml", 9000);
  const auto call = answered_call();
  ASSERT_TRUE(call.contains("uuid"));
  auto second = phone_answers("1002");
  ASSERT_EQ(act(call, "consult", "1002").status, 200u);
  wait_for_event(call, "consult_answered");
  ASSERT_EQ(act(call, "complete_transfer").status, 200u);
  EXPECT_EQ(first.get().exit_code, 0);  // 1001 was released with a BYE
  EXPECT_EQ(carrier.get().exit_code, 0);
  EXPECT_EQ(second.get().exit_code, 0);  // 1002 got the caller's BYE
  const auto record = ended(call);
  EXPECT_EQ(record["answered_by"], "1001");
  EXPECT_EQ(record["hangup_side"], "caller");
  EXPECT_TRUE(has_event(call, "transferred"));
  bool consulted = false;
  for (const auto& leg : record["legs"])
    if (leg["role"] == "consult" && leg["party"] == "1002") consulted = true;
  EXPECT_TRUE(consulted) << record["legs"].dump();
}

TEST_P(SipCallControlTest, ConferenceJoinsAThirdParty) {
  auto first = phone_answers("1001");
  auto carrier = carrier_calls("uac_trunk_long.xml", 6000);
  const auto call = answered_call();
  ASSERT_TRUE(call.contains("uuid"));
  auto second = phone_answers("1002");
  ASSERT_EQ(act(call, "conference", "1002").status, 200u);
  wait_for_event(call, "conference");
  EXPECT_EQ(carrier.get().exit_code, 0);
  EXPECT_EQ(first.get().exit_code, 0);  // both phones get a BYE when the caller leaves
  EXPECT_EQ(second.get().exit_code, 0);
  EXPECT_EQ(ended(call)["disposition"], "answered");
}

TEST_P(SipCallControlTest, ParkAndRetrieve) {
  auto first = phone_answers("1001");
  auto carrier = carrier_calls("uac_trunk_long.xml", 8000);
  const auto call = answered_call();
  ASSERT_TRUE(call.contains("uuid"));
  ASSERT_EQ(act(call, "park").status, 200u);
  EXPECT_EQ(first.get().exit_code, 0);  // the parking phone is released
  EXPECT_EQ(act(call, "park").status, 409u);
  auto second = phone_answers("1002");
  ASSERT_EQ(act(call, "retrieve", "1002").status, 200u);
  wait_for_event(call, "retrieved");
  EXPECT_EQ(carrier.get().exit_code, 0);
  EXPECT_EQ(second.get().exit_code, 0);
  EXPECT_TRUE(has_event(call, "parked"));
  EXPECT_EQ(ended(call)["answered_by"], "1002");
}

TEST_P(SipCallControlTest, ExtensionsCallEachOtherAndThePublicNumber) {
  auto phone = phone_answers("1002");
  const auto internal = sipp({"phone_call.xml", "127.0.0.1", 0, "1002", "-d 1000 -key caller 1001",
                              1, "", "1001", kPassword});
  EXPECT_EQ(internal.exit_code, 0) << internal.output;
  EXPECT_EQ(phone.get().exit_code, 0);
  auto list = get("/api/v1/calls?direction=internal", admin_).json();
  ASSERT_EQ(list["total"], 1) << list.dump();
  EXPECT_EQ(list["items"][0]["caller"], "1001");
  EXPECT_EQ(list["items"][0]["callee"], "1002");
  EXPECT_EQ(list["items"][0]["answered_by"], "1002");

  // The public number reaches the same destination as the carrier's callers (1001).
  auto target = phone_answers("1001");
  const auto dialled = sipp({"phone_call.xml", "127.0.0.1", 0, kPublicNumber,
                             "-d 1000 -key caller 1002", 1, "", "1002", kPassword});
  EXPECT_EQ(dialled.exit_code, 0) << dialled.output;
  EXPECT_EQ(target.get().exit_code, 0);
  list = get("/api/v1/calls?number=" + std::string(kPublicNumber) + "&disposition=answered", admin_)
             .json();
  ASSERT_EQ(list["total"], 1) << list.dump();
  EXPECT_EQ(list["items"][0]["answered_by"], "1001");
}

TEST_P(SipCallControlTest, OutboundCallsLeaveOnlyThroughARule) {
  // The demo trunk's carrier listens on 127.0.0.2 at a free port for this test.
  const auto carrier_port = free_loopback_sip_port();
  std::int64_t trunk_id = 0;
  const auto trunks = get("/api/v1/trunks", admin_).json();
  for (const auto& trunk : trunks["items"])
    if (trunk["name"] == "demo-carrier") trunk_id = trunk["id"];
  ASSERT_NE(trunk_id, 0);
  ASSERT_EQ(send(boost::beast::http::verb::put, "/api/v1/trunks/" + std::to_string(trunk_id),
                 {{"proxy", "127.0.0.2:" + std::to_string(carrier_port)}})
                .status,
            200u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the routing table reloads
  auto carrier = std::async(std::launch::async, [this, carrier_port] {
    return sipp({"carrier_answer.xml", "127.0.0.2", carrier_port, "x"});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto mobile = sipp({"phone_call.xml", "127.0.0.1", 0, "13800138000",
                            "-d 1000 -key caller 1001", 1, "", "1001", kPassword});
  EXPECT_EQ(mobile.exit_code, 0) << mobile.output;
  const auto answered = carrier.get();
  EXPECT_EQ(answered.exit_code, 0) << answered.output;  // the caller ID was 84038437
  const auto list = get("/api/v1/calls?direction=outbound", admin_).json();
  ASSERT_EQ(list["total"], 1) << list.dump();
  EXPECT_EQ(list["items"][0]["trunk_name"], "demo-carrier");
  EXPECT_EQ(list["items"][0]["disposition"], "answered");

  // International numbers match no demo rule: refused, and nothing reaches the carrier.
  const auto refused = sipp({"phone_call_refused.xml", "127.0.0.1", 0, "0085212345678",
                             "-key caller 1001", 1, "404", "1001", kPassword});
  EXPECT_EQ(refused.exit_code, 0) << refused.output;
}

HOTLINE_INSTANTIATE_API_TEST(SipCallControlTest);

}  // namespace
}  // namespace hotline::test
