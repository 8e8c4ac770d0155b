// Callers in queues reach agents (acd_fixture.hpp): longest idle, ring timeouts, overflow,
// missed calls, the IVR's queue node and the survey after the agent hangs up.
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "acd_fixture.hpp"
#include "dtmf_pcap.hpp"
#include "ws_client.hpp"

namespace hotline::test {
namespace {

TEST_P(AcdCallTest, AgentsSetTheirOwnStateAndSupervisorsOnlyTheirTeams) {
  tokens_["agent1"] = login("agent1");
  tokens_["agent4"] = login("agent4");
  EXPECT_EQ(agent_state("agent1")["state"], "logged_out");
  const auto me = agent_state("agent1");
  EXPECT_FALSE(me["reasons"].empty()) << me.dump();

  auto ready = set_state("agent1", "ready");
  ASSERT_EQ(ready.status, 200u) << ready.body;
  EXPECT_EQ(ready.json()["state"], "ready");
  auto resting = set_state("agent1", "not_ready", "小休");
  ASSERT_EQ(resting.status, 200u) << resting.body;
  EXPECT_EQ(resting.json()["reason"], "小休");
  EXPECT_EQ(set_state("agent1", "not_ready", "打游戏").status, 400u);  // not an admin's reason
  EXPECT_EQ(set_state("agent1", "talking").status, 400u);  // the ACD's to set, not the agent's
  EXPECT_EQ(set_state("agent4", "ready", "", tokens_["agent1"]).status, 403u);  // a peer

  // The team leader of 话务一班 covers agent1 but not agent4 (话务二班); the centre's
  // supervisor covers everyone. Forced changes are audited.
  const auto leader = login("leader1");
  EXPECT_EQ(set_state("agent1", "ready", "", leader).status, 200u);
  EXPECT_EQ(set_state("agent4", "ready", "", leader).status, 403u);
  const auto supervisor = login("supervisor1");
  const auto forced = set_state("agent4", "logged_out", "", supervisor);
  EXPECT_EQ(forced.status, 200u) << forced.body;
  const auto audit = get("/api/v1/audit?action=agent.force_state", admin_).json();
  EXPECT_GE(audit.value("total", 0), 2) << audit.dump();

  // The same commands over the WebSocket, answered with a reply naming the command's id.
  auto socket =
      WsClient::connect("127.0.0.1", daemon_->port(), "/api/v1/ws?token=" + tokens_["agent1"]);
  const auto reply_to = [&socket](int id) {
    for (int i = 0; i < 20; ++i) {
      auto message = socket.try_read_json(std::chrono::milliseconds(500));
      if (message && (*message)["type"] == "reply" && (*message)["id"] == id) return *message;
    }
    ADD_FAILURE() << "no reply to command " << id;
    return nlohmann::json::object();
  };
  socket.send_text(R"({"type":"agent.state","id":7,"state":"not_ready","reason":"会议"})");
  const auto changed = reply_to(7);
  EXPECT_EQ(changed["ok"], true) << changed.dump();
  EXPECT_EQ(changed["data"]["reason"], "会议") << changed.dump();
  socket.send_text(R"({"type":"agent.call","id":8,"action":"hangup"})");
  const auto refused = reply_to(8);
  EXPECT_EQ(refused["ok"], false) << refused.dump();
  EXPECT_EQ(refused["error"]["code"], "invalid_state") << refused.dump();  // no call to hang up

  const auto wallboard = get("/api/v1/wallboard", supervisor).json();
  ASSERT_EQ(wallboard["queues"].size(), 3u) << wallboard.dump();
  EXPECT_EQ(get("/api/v1/wallboard", tokens_["agent1"]).status, 403u);
}

TEST_P(AcdCallTest, StatesSurviveARestart) {
  tokens_["agent1"] = login("agent1");
  tokens_["agent2"] = login("agent2");
  ASSERT_EQ(set_state("agent1", "ready").status, 200u);
  ASSERT_EQ(set_state("agent2", "not_ready", "会议").status, 200u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // written off the control thread
  // Same database and data dir, new process.
  const auto data_dir = daemon_->data_dir();
  ASSERT_EQ(daemon_->stop(), 0) << daemon_->log();
  DaemonOptions options;
  options.db_url = database_->url();
  options.args = {"--data-dir", data_dir};
  daemon_ = std::make_unique<DaemonProcess>(options);
  tokens_["agent1"] = login("agent1");
  tokens_["agent2"] = login("agent2");
  EXPECT_EQ(agent_state("agent1")["state"], "ready");
  const auto agent2 = agent_state("agent2");
  EXPECT_EQ(agent2["state"], "not_ready");
  EXPECT_EQ(agent2["reason"], "会议");
}

TEST_P(AcdCallTest, TheLongestIdleReadyAgentTakesTheCallAndWrapsUpAfter) {
  phone_for("agent1", "1001");
  phone_for("agent2", "1002");
  change_queue("general", {{"wrap_up_seconds", 3}});
  // agent2 has been idle longest.
  ASSERT_EQ(set_state("agent2", "ready").status, 200u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(set_state("agent1", "ready").status, 200u);

  auto events =
      WsClient::connect("127.0.0.1", daemon_->port(), "/api/v1/ws?token=" + tokens_["agent2"]);
  auto answering = phone("agent2", "uas_answer.xml");
  auto caller = carrier_calls(3000);
  std::optional<nlohmann::json> offered;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!offered && std::chrono::steady_clock::now() < deadline) {
    auto message = events.try_read_json(std::chrono::milliseconds(500));
    if (message && (*message)["type"] == "agent.offered") offered = message;
  }
  ASSERT_TRUE(offered) << "no agent.offered event";
  EXPECT_EQ((*offered)["data"]["queue"], "general");
  EXPECT_NE((*offered)["data"]["caller"], "13800138000");  // masked
  const auto talking = wait_for_state("agent2", "talking");
  EXPECT_EQ(talking["call"]["queue"], "general");
  EXPECT_EQ(agent_state("agent1")["state"], "ready");  // never rung

  // The screen pop of the call for the agent it went to.
  const auto uuid = talking["call"]["uuid"].get<std::string>();
  const auto pop = get("/api/v1/calls/" + uuid + "/screen-pop", tokens_["agent2"]);
  ASSERT_EQ(pop.status, 200u) << pop.body;
  EXPECT_EQ(pop.json()["queue"], "general");
  EXPECT_EQ(get("/api/v1/calls/" + uuid + "/screen-pop", tokens_["agent1"]).status, 403u);

  EXPECT_EQ(caller.get().exit_code, 0);
  EXPECT_EQ(answering.get().exit_code, 0);
  const auto record = last_ended_call();
  EXPECT_EQ(record["answered_by"], "1002");
  // The caller hung up: wrap-up, then ready again after the queue's 3 s.
  wait_for_state("agent2", "wrap_up", 5);
  wait_for_state("agent2", "ready", 8);
  const auto board = get("/api/v1/wallboard", login("supervisor1")).json();
  for (const auto& queue : board["queues"]) {
    if (queue["name"] == "general") {
      EXPECT_EQ(queue["answered"], 1) << queue.dump();
      EXPECT_EQ(queue["within_20s_pct"], 100.0) << queue.dump();
    }
  }
}

TEST_P(AcdCallTest, AnUnansweredOfferSetsTheAgentNotReadyAndTheCallerGoesToTheNext) {
  phone_for("agent1", "1001");
  phone_for("agent2", "1002");
  change_queue("general", {{"ring_timeout_seconds", 5}});
  ASSERT_EQ(set_state("agent1", "ready").status, 200u);
  auto ringing_only = phone("agent1", "uas_ring_cancel.xml");
  auto caller = carrier_calls(12000);  // on the line (the queue answers) 12 s, then hangs up
  wait_for_state("agent1", "ringing", 5);
  // agent1 lets it ring: after 5 s the phone is cancelled and agent1 is not ready (no answer).
  const auto missed = wait_for_state("agent1", "not_ready", 10);
  EXPECT_EQ(missed["reason"], "no_answer");
  EXPECT_EQ(ringing_only.get().exit_code, 0);
  // The caller is still waiting, first in line: agent2 gets it on going ready.
  auto answering = phone("agent2", "uas_answer.xml");
  ASSERT_EQ(set_state("agent2", "ready").status, 200u);
  EXPECT_EQ(caller.get().exit_code, 0);
  EXPECT_EQ(answering.get().exit_code, 0);
  EXPECT_EQ(last_ended_call()["answered_by"], "1002");
}

TEST_P(AcdCallTest, ACallerWaitingPastTheMaximumOverflowsToTheNextQueue) {
  phone_for("agent1", "1001");
  // Nobody serves "general" (agent1 stays only in medical_insurance); after 3 s its callers
  // overflow there.
  const auto general = std::to_string(queue_named("general")["id"].get<std::int64_t>());
  ASSERT_EQ(
      put_json("/api/v1/queues/" + general + "/members", nlohmann::json::array(), admin_).status,
      200u);
  change_queue("general", {{"max_wait_seconds", 3},
                           {"overflow_type", "queue"},
                           {"overflow_target", "medical_insurance"}});
  ASSERT_EQ(set_state("agent1", "ready").status, 200u);
  auto answering = phone("agent1", "uas_answer.xml");
  auto caller = carrier_calls(8000);  // 3 s waiting, then talking with agent1
  EXPECT_EQ(caller.get().exit_code, 0);
  EXPECT_EQ(answering.get().exit_code, 0);
  EXPECT_EQ(last_ended_call()["answered_by"], "1001");
  const auto board = get("/api/v1/wallboard", login("supervisor1")).json();
  for (const auto& queue : board["queues"]) {
    if (queue["name"] == "general") {
      EXPECT_EQ(queue["overflowed"], 1) << queue.dump();
    }
    if (queue["name"] == "medical_insurance") {
      EXPECT_EQ(queue["answered"], 1) << queue.dump();
    }
  }
}

TEST_P(AcdCallTest, ACallerWhoHangsUpInTheQueueIsAMissedCall) {
  tokens_["agent1"] = login("agent1");
  auto caller = carrier_calls(3000);  // nobody is ready
  EXPECT_EQ(caller.get().exit_code, 0);
  const auto missed = poll_list("/api/v1/missed-calls", tokens_["agent1"]);
  ASSERT_EQ(missed["total"], 1) << missed.dump();
  const auto& item = missed["items"][0];
  EXPECT_EQ(item["lost_in"], "queue");
  EXPECT_EQ(item["queue"], "general");
  EXPECT_GE(item["wait_seconds"].get<int>(), 2);
  EXPECT_EQ(item["status"], "open");
  EXPECT_NE(item["number"], "13800138000");  // masked for an agent
  const auto id = std::to_string(item["id"].get<std::int64_t>());
  const auto done = put_json("/api/v1/missed-calls/" + id,
                             {{"status", "called_back"}, {"note", "已回拨"}}, tokens_["agent1"]);
  ASSERT_EQ(done.status, 200u) << done.body;
  EXPECT_EQ(done.json()["status"], "called_back");
  EXPECT_EQ(put_json("/api/v1/missed-calls/" + id, {{"status", "lost"}}, tokens_["agent1"]).status,
            400u);
  const auto board = get("/api/v1/wallboard", login("supervisor1")).json();
  for (const auto& queue : board["queues"])
    if (queue["name"] == "general") {
      EXPECT_EQ(queue["abandoned"], 1) << queue.dump();
    }
}

TEST_P(AcdCallTest, FromTheIvrToAnAgentAndOnToTheSurveyWhenTheAgentHangsUp) {
  // A flow that queues at once, so the test's keys are timed against the agent only.
  const nlohmann::json graph = {
      {"start", "queue"},
      {"nodes",
       {{"queue", {{"type", "queue"}, {"queue", "general"}, {"position", {{"x", 0}, {"y", 0}}}}}}}};
  const auto created = post("/api/v1/ivr/flows", {{"name", "to_queue"}, {"draft", graph}}, admin_);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto id = std::to_string(created.json()["id"].get<std::int64_t>());
  ASSERT_EQ(post("/api/v1/ivr/flows/" + id + "/publish", nlohmann::json::object(), admin_).status,
            201u);
  ASSERT_EQ(post("/api/v1/inbound-routes",
                 {{"number", "84038440"}, {"destination_type", "ivr"}, {"destination", "to_queue"}},
                 admin_)
                .status,
            201u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // routing and catalog reload

  phone_for("agent1", "1001");
  ASSERT_EQ(set_state("agent1", "ready").status, 200u);
  // The agent talks for 3 s and hangs up; the caller presses 1 (满意) in the survey after.
  auto agent = phone("agent1", "uas_answer_hangup.xml", 3000);
  const auto dir = std::filesystem::path(daemon_->data_dir()) / "test-dtmf";
  std::filesystem::create_directories(dir);
  DtmfPcapOptions late;
  late.lead_in_ms = 12000;  // the survey starts ~5 s in and waits 13 s (prompt + 8 s)
  const auto keys = (dir / "survey.pcap").string();
  write_dtmf_pcap(keys, "1", late);
  const auto caller =
      run_sipp(daemon_->sip_port(), {.scenario = "ivr_caller_hung_up.xml",
                                     .local_ip = "127.0.0.2",
                                     .service = "84038440",
                                     .replace = {{"[dtmf_pcap]", keys}, {"[timeout_ms]", "40000"}},
                                     .timeout_s = 60});
  EXPECT_EQ(caller.exit_code, 0) << caller.output;  // the IVR says goodbye and hangs up
  EXPECT_EQ(agent.get().exit_code, 0);

  const auto ratings = poll_list("/api/v1/survey/ratings", admin_);
  ASSERT_EQ(ratings["total"], 1) << ratings.dump();
  EXPECT_EQ(ratings["items"][0]["rating"], "satisfied");
  EXPECT_EQ(ratings["items"][0]["agent_extension"], "1001");
  // The agent hung up first: wrap-up.
  const auto after = agent_state("agent1");
  EXPECT_TRUE(after["state"] == "wrap_up" || after["state"] == "ready") << after.dump();
}

}  // namespace

HOTLINE_INSTANTIATE_API_TEST(AcdCallTest);

}  // namespace hotline::test
