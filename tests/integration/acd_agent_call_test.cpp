// What agents do beyond taking offered calls (acd_fixture.hpp): click-to-dial and missed-call
// callbacks through the carrier trunk, a caller's callback request keeping their place, a
// transfer to another queue, answering from the browser, and direct calls keeping an agent busy.
#include <set>

#include "acd_fixture.hpp"
#include "dtmf_pcap.hpp"

namespace hotline::test {
namespace {

constexpr const char* kCitizen = "13800138000";  // the number SIPp's trunk calls come from

class AcdAgentCallTest : public AcdCallTest {
 protected:
  // The demo trunk's carrier listens on 127.0.0.2 at a free port for this test.
  std::uint16_t carrier_port() {
    if (carrier_port_) return carrier_port_;
    carrier_port_ = free_loopback_sip_port();
    std::int64_t trunk_id = 0;
    const auto trunks = get("/api/v1/trunks", admin_).json();  // named: outlives the loop
    for (const auto& trunk : trunks["items"])
      if (trunk["name"] == "demo-carrier") trunk_id = trunk["id"];
    EXPECT_NE(trunk_id, 0);
    const auto changed =
        put_json("/api/v1/trunks/" + std::to_string(trunk_id),
                 {{"proxy", "127.0.0.2:" + std::to_string(carrier_port_)}}, admin_);
    EXPECT_EQ(changed.status, 200u) << changed.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the routing table reloads
    return carrier_port_;
  }

  std::future<SippRun> carrier(const std::string& scenario) {
    const auto port = carrier_port();
    auto run = std::async(std::launch::async, [this, port, scenario] {
      return run_sipp(daemon_->sip_port(), {.scenario = scenario,
                                            .local_ip = "127.0.0.2",
                                            .local_port = port,
                                            .service = "x",
                                            .timeout_s = 40});
    });
    EXPECT_TRUE(wait_for_udp_listener("127.0.0.2", port));
    return run;
  }

  HttpResponse call_action(const std::string& agent, const std::string& action,
                           const nlohmann::json& body = nlohmann::json::object()) {
    return post("/api/v1/agents/me/call/" + action, body, tokens_.at(agent));
  }

  // The newest outbound call records once the newest has ended.
  // Once the agent's phone and the carrier are done: the one outbound call they made.
  nlohmann::json outbound_call_after(std::future<SippRun>& agent_phone,
                                     std::future<SippRun>& carrier_side) {
    const auto agent_run = agent_phone.get();
    EXPECT_EQ(agent_run.exit_code, 0) << agent_run.output;
    const auto carrier_run = carrier_side.get();
    EXPECT_EQ(carrier_run.exit_code, 0) << carrier_run.output;
    const auto list = poll_json(
        "/api/v1/calls?direction=outbound", admin_,
        [](const nlohmann::json& calls) {
          return !calls["items"].empty() && calls["items"][0]["disposition"] != "active";
        },
        10);
    EXPECT_EQ(list["total"], 1) << list.dump();
    return list["items"].empty() ? nlohmann::json::object() : list["items"][0];
  }

  // Callers (and callbacks) waiting in a queue now, from the wallboard.
  int waiting_in(const std::string& name) {
    const auto wallboard = get("/api/v1/wallboard", admin_).json();  // named: outlives the loop
    for (const auto& queue : wallboard["queues"])
      if (queue["name"] == name) return queue["waiting"].get<int>();
    ADD_FAILURE() << "no queue " << name << " on the wallboard";
    return -1;
  }

  // A published flow "after_agent" whose node "msg" takes a message (then says goodbye).
  void publish_message_flow() {
    const nlohmann::json graph = {
        {"start", "bye"},
        {"nodes",
         {{"msg",
           {{"type", "message"},
            {"name", "留言"},
            {"prompts", {{{"text", "请留言"}}}},
            {"max_seconds", 60},
            {"exits", {{"next", "bye"}}},
            {"position", {{"x", 0}, {"y", 0}}}}},
          {"bye", {{"type", "hangup"}, {"position", {{"x", 0}, {"y", 100}}}}}}}};
    const auto created =
        post("/api/v1/ivr/flows", {{"name", "after_agent"}, {"draft", graph}}, admin_);
    ASSERT_EQ(created.status, 201u) << created.body;
    const auto id = std::to_string(created.json()["id"].get<std::int64_t>());
    ASSERT_EQ(post("/api/v1/ivr/flows/" + id + "/publish", nlohmann::json::object(), admin_).status,
              201u);
    std::this_thread::sleep_for(std::chrono::milliseconds(800));  // the IVR's catalog reloads
  }

  std::uint16_t carrier_port_ = 0;
};

TEST_P(AcdAgentCallTest, ClickToDialRingsTheAgentsPhoneFirstThenTheCitizen) {
  phone_for("agent1", "1001");
  EXPECT_EQ(call_action("agent1", "dial", {{"number", kCitizen}}).status, 409u);  // logged out
  ASSERT_EQ(set_state("agent1", "not_ready", "小休").status, 200u);
  EXPECT_EQ(call_action("agent1", "dial", {{"number", "12ab"}}).status, 400u);
  // International numbers match no demo outbound rule.
  EXPECT_EQ(call_action("agent1", "dial", {{"number", "0085212345678"}}).status, 403u);

  auto carrier_side = carrier("carrier_answer.xml");                // checks the trunk's caller ID
  auto agent_phone = phone("agent1", "uas_auto_answer.xml", 2000);  // needs answer-after=0
  const auto dialled = call_action("agent1", "dial", {{"number", kCitizen}});
  ASSERT_EQ(dialled.status, 200u) << dialled.body;
  EXPECT_EQ(dialled.json()["state"], "talking");
  EXPECT_EQ(dialled.json()["reason"], "outbound");
  EXPECT_FALSE(dialled.json()["dialled_call"].get<std::string>().empty());
  const auto call = outbound_call_after(agent_phone, carrier_side);
  EXPECT_EQ(call["disposition"], "answered");
  EXPECT_EQ(call["answered_by"], "1001");
  EXPECT_EQ(call["hangup_side"], "caller");  // the agent placed it
  // Back to where the agent was, with the reason kept; no wrap-up after an own call.
  const auto after = wait_for_state("agent1", "not_ready");
  EXPECT_EQ(after["reason"], "小休");
}

TEST_P(AcdAgentCallTest, AMissedCallIsCalledBackFromTheList) {
  phone_for("agent1", "1001");
  // A caller hangs up in the queue: a missed call.
  ASSERT_EQ(carrier_calls(1500).get().exit_code, 0);
  const auto missed = poll_list("/api/v1/missed-calls", tokens_.at("agent1"));
  ASSERT_EQ(missed["total"], 1) << missed.dump();
  const auto id = std::to_string(missed["items"][0]["id"].get<std::int64_t>());
  // Not logged in: the ACD refuses, nothing is dialled.
  EXPECT_EQ(post("/api/v1/missed-calls/" + id + "/callback", nlohmann::json::object(),
                 tokens_.at("agent1"))
                .status,
            409u);
  ASSERT_EQ(set_state("agent1", "ready").status, 200u);
  auto carrier_side = carrier("carrier_answer.xml");
  auto agent_phone = phone("agent1", "uas_auto_answer.xml", 1500);
  const auto started = post("/api/v1/missed-calls/" + id + "/callback", nlohmann::json::object(),
                            tokens_.at("agent1"));
  ASSERT_EQ(started.status, 200u) << started.body;
  EXPECT_EQ(started.json()["status"], "in_progress");
  EXPECT_EQ(agent_phone.get().exit_code, 0);
  EXPECT_EQ(carrier_side.get().exit_code, 0);
  const auto after = poll_json("/api/v1/missed-calls/" + id, admin_, [](const nlohmann::json& m) {
    return m["status"] == "called_back";
  });
  EXPECT_EQ(after["status"], "called_back") << after.dump();
  wait_for_state("agent1", "ready");
  EXPECT_EQ(
      post("/api/v1/missed-calls/999999/callback", nlohmann::json::object(), tokens_.at("agent1"))
          .status,
      404u);
}

TEST_P(AcdAgentCallTest, ACallerWhoPressesTheCallbackKeyIsCalledBackWhenAnAgentIsFree) {
  change_queue("general", {{"callback_key", "1"}});
  phone_for("agent1", "1001");
  // The caller waits (no agent is ready), presses 1, hears the confirmation and is hung up on.
  const auto dir = std::filesystem::path(daemon_->data_dir()) / "test-dtmf";
  std::filesystem::create_directories(dir);
  DtmfPcapOptions soon;
  soon.lead_in_ms = 3000;
  const auto keys = (dir / "callback.pcap").string();
  write_dtmf_pcap(keys, "1", soon);
  const auto caller =
      run_sipp(daemon_->sip_port(), {.scenario = "ivr_caller_hung_up.xml",
                                     .local_ip = "127.0.0.2",
                                     .service = kQueueNumber,
                                     .replace = {{"[dtmf_pcap]", keys}, {"[timeout_ms]", "30000"}},
                                     .timeout_s = 45});
  ASSERT_EQ(caller.exit_code, 0) << caller.output;
  // Kept in the queue as a callback: not a missed call, still waiting.
  EXPECT_EQ(get("/api/v1/missed-calls", admin_).json()["total"], 0);
  EXPECT_EQ(waiting_in("general"), 1);

  auto carrier_side = carrier("carrier_answer.xml");
  auto agent_phone = phone("agent1", "uas_answer_hangup.xml", 1500);
  ASSERT_EQ(set_state("agent1", "ready").status, 200u);  // the callback is offered to agent1
  const auto call = outbound_call_after(agent_phone, carrier_side);
  EXPECT_EQ(call["callee"], kCitizen);
  EXPECT_EQ(call["disposition"], "answered");
  EXPECT_EQ(call["answered_by"], "1001");
  EXPECT_EQ(waiting_in("general"), 0);
  // A callback is a queue call: wrap-up follows it.
  wait_for_state("agent1", "wrap_up");
}

TEST_P(AcdAgentCallTest, AnAgentTransfersAQueueCallToAnotherQueue) {
  phone_for("agent1", "1001");
  phone_for("agent2", "1002");
  ASSERT_EQ(set_state("agent1", "ready").status, 200u);
  auto first = phone("agent1", "uas_answer.xml");
  auto caller = std::async(std::launch::async, [this] {
    return run_sipp(daemon_->sip_port(), {.scenario = "uac_trunk_wait_bye.xml",
                                          .local_ip = "127.0.0.2",
                                          .service = kQueueNumber,
                                          .timeout_s = 60});
  });
  wait_for_state("agent1", "talking");
  EXPECT_EQ(call_action("agent1", "transfer", {{"target", "queue:nowhere"}}).status, 404u);
  ASSERT_EQ(set_state("agent2", "ready").status, 200u);
  auto second = phone("agent2", "uas_answer_hangup.xml", 1500);
  const auto moved = call_action("agent1", "transfer", {{"target", "queue:medical_insurance"}});
  ASSERT_EQ(moved.status, 200u) << moved.body;
  EXPECT_EQ(first.get().exit_code, 0);  // released by the daemon
  const auto taken = wait_for_state("agent2", "talking");
  EXPECT_EQ(taken["call"]["queue"], "medical_insurance") << taken.dump();
  EXPECT_EQ(second.get().exit_code, 0);
  EXPECT_EQ(caller.get().exit_code, 0);  // hung up by the daemon after agent2
  const auto record = last_ended_call();
  EXPECT_EQ(record["answered_by"], "1001");
  EXPECT_EQ(record["disposition"], "answered");
}

TEST_P(AcdAgentCallTest, AnAgentTransfersTheCallerToAnIvrNodeToLeaveAMessage) {
  publish_message_flow();
  phone_for("agent1", "1001");
  const auto targets = agent_state("agent1")["transfer_targets"];
  bool offered = false;
  for (const auto& target : targets) offered = offered || target["target"] == "ivr:after_agent#msg";
  EXPECT_TRUE(offered) << targets.dump();
  ASSERT_EQ(set_state("agent1", "ready").status, 200u);
  auto agent_phone = phone("agent1", "uas_answer.xml");
  auto caller = carrier_calls(9000);  // on the line long enough to leave a message
  wait_for_state("agent1", "talking");
  const auto moved = call_action("agent1", "transfer", {{"target", "ivr:after_agent#msg"}});
  ASSERT_EQ(moved.status, 200u) << moved.body;
  EXPECT_EQ(agent_phone.get().exit_code, 0);  // released by the daemon
  EXPECT_EQ(caller.get().exit_code, 0);
  const auto messages = poll_list("/api/v1/messages", admin_, 10);
  ASSERT_EQ(messages["total"], 1) << messages.dump();
  EXPECT_EQ(messages["items"][0]["flow"], "after_agent");
}

TEST_P(AcdAgentCallTest, ACallerWaitingPastTheMaximumLeavesAMessageWhenTheQueueSaysSo) {
  publish_message_flow();
  const auto refused = put_json(
      "/api/v1/queues/" + std::to_string(queue_named("general")["id"].get<std::int64_t>()),
      {{"max_wait_seconds", 2}, {"overflow_type", "message"}, {"overflow_target", ""}}, admin_);
  EXPECT_EQ(refused.status, 400u);  // a message overflow names its IVR message node
  const auto listed = get("/api/v1/queues/message-targets", admin_).json();
  std::set<std::string> targets;  // the demo flow's message node too
  for (const auto& item : listed["items"]) targets.insert(item["target"].get<std::string>());
  EXPECT_TRUE(targets.contains("after_agent#msg")) << listed.dump();
  EXPECT_TRUE(targets.contains("main#take_message")) << listed.dump();
  change_queue("general", {{"max_wait_seconds", 2},
                           {"overflow_type", "message"},
                           {"overflow_target", "after_agent#msg"}});
  auto caller = carrier_calls(9000);  // nobody is ready
  EXPECT_EQ(caller.get().exit_code, 0);
  const auto messages = poll_list("/api/v1/messages", admin_, 10);
  ASSERT_EQ(messages["total"], 1) << messages.dump();
  EXPECT_EQ(messages["items"][0]["flow"], "after_agent");
  const auto missed = poll_list("/api/v1/missed-calls", admin_);
  ASSERT_EQ(missed["total"], 1) << missed.dump();
  EXPECT_EQ(missed["items"][0]["lost_in"], "message");
}

TEST_P(AcdAgentCallTest, AnAgentAnswersFromTheBrowserAndThePhonePicksUpByItself) {
  phone_for("agent1", "1001");
  ASSERT_EQ(set_state("agent1", "ready").status, 200u);
  EXPECT_EQ(call_action("agent1", "answer").status, 409u);  // nothing rings
  auto agent_phone = std::async(std::launch::async, [this] {
    return run_sipp(daemon_->sip_port(), {.scenario = "uas_answer_from_browser.xml",
                                          .local_port = ports_.at("agent1"),
                                          .calls = 2,
                                          .timeout_s = 40});
  });
  ASSERT_TRUE(wait_for_udp_listener("127.0.0.1", ports_.at("agent1")));
  auto caller = carrier_calls(8000);
  wait_for_state("agent1", "ringing");
  const auto answered = call_action("agent1", "answer");
  ASSERT_EQ(answered.status, 200u) << answered.body;
  wait_for_state("agent1", "talking");
  ASSERT_EQ(call_action("agent1", "hangup").status, 200u);
  const auto phone_run = agent_phone.get();
  EXPECT_EQ(phone_run.exit_code, 0) << phone_run.output;
  caller.get();
  EXPECT_EQ(last_ended_call()["answered_by"], "1001");
}

TEST_P(AcdAgentCallTest, ADirectCallKeepsAReadyAgentFromQueueCalls) {
  phone_for("agent1", "1001");
  ASSERT_EQ(set_state("agent1", "ready").status, 200u);
  auto agent_phone = phone("agent1", "uas_answer_hangup.xml", 3000);
  // Extension 1003 calls agent1 directly, not through a queue.
  auto internal = std::async(std::launch::async, [this] {
    return run_sipp(daemon_->sip_port(), {.scenario = "phone_call.xml",
                                          .service = "1001",
                                          .extra = "-key caller 1003",
                                          .auth_user = "1003",
                                          .auth_password = kDemoPassword,
                                          .pause_ms = 10000,
                                          .timeout_s = 20});
  });
  const auto busy = wait_for_state("agent1", "talking");
  EXPECT_EQ(busy["reason"], "direct");
  EXPECT_EQ(agent_phone.get().exit_code, 0);
  wait_for_state("agent1", "ready");  // no wrap-up after a direct call
  internal.get();
}

}  // namespace

HOTLINE_INSTANTIATE_API_TEST(AcdAgentCallTest);

}  // namespace hotline::test
