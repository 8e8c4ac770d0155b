#pragma once
// The fixture of the ACD's SIPp tests: the carrier trunk (SIPp on 127.0.0.2) calls a public
// number routed to the general queue; agents are registered SIPp phones on 127.0.0.1 whose
// states the tests drive through the REST API, as the soft phone bar does.
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "api_test_fixture.hpp"
#include "sipp_runner.hpp"

namespace hotline::test {

constexpr const char* kQueueNumber = "84038439";

class AcdCallTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = login("admin");
    const auto route =
        post("/api/v1/inbound-routes",
             {{"number", kQueueNumber}, {"destination_type", "queue"}, {"destination", "general"}},
             admin_);
    ASSERT_EQ(route.status, 201u) << route.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the routing table reloads
  }

  // Registers the agent's extension from a fresh loopback port and logs the agent in (web).
  void phone_for(const std::string& agent, const std::string& extension) {
    const auto port = free_loopback_sip_port();
    ports_[agent] = port;
    extensions_[agent] = extension;
    const auto registered = run_sipp(
        daemon_->sip_port(),
        {"register_ok.xml", "127.0.0.1", port, extension, "", 1, "", extension, kDemoPassword});
    ASSERT_EQ(registered.exit_code, 0) << registered.output;
    tokens_[agent] = login(agent);
  }

  // The agent's phone runs `scenario` in the background (listening once this returns).
  std::future<SippRun> phone(const std::string& agent, const std::string& scenario,
                             int pause_ms = 0, int timeout_s = 40) {
    const auto port = ports_.at(agent);
    auto run = std::async(std::launch::async, [this, port, scenario, pause_ms, timeout_s] {
      return run_sipp(
          daemon_->sip_port(),
          {.scenario = scenario, .local_port = port, .pause_ms = pause_ms, .timeout_s = timeout_s});
    });
    EXPECT_TRUE(wait_for_udp_listener("127.0.0.1", port));
    return run;
  }

  HttpResponse put_json(const std::string& target, const nlohmann::json& body,
                        const std::string& token) {
    auto headers = bearer(token);
    headers["Content-Type"] = "application/json";
    return client().request(boost::beast::http::verb::put, target, body.dump(), headers);
  }

  HttpResponse set_state(const std::string& agent, const std::string& state,
                         const std::string& reason = "", const std::string& as = "") {
    nlohmann::json body = {{"state", state}};
    if (!reason.empty()) body["reason"] = reason;
    return put_json("/api/v1/agents/" + agent + "/state", body,
                    as.empty() ? tokens_.at(agent) : as);
  }

  nlohmann::json agent_state(const std::string& agent) {
    return get("/api/v1/agents/me", tokens_.at(agent)).json();
  }

  // Waits until `agent` is in `state` (the ACD's changes arrive asynchronously).
  nlohmann::json wait_for_state(const std::string& agent, const std::string& state,
                                int seconds = 10) {
    const auto last = poll_json(
        "/api/v1/agents/me", tokens_.at(agent),
        [&state](const nlohmann::json& me) { return me["state"] == state; }, seconds);
    if (last["state"] != state)
      ADD_FAILURE() << agent << " never became " << state << ": " << last.dump();
    return last;
  }

  std::future<SippRun> carrier_calls(int hold_ms, const std::string& number = kQueueNumber) {
    return std::async(std::launch::async, [this, hold_ms, number] {
      return run_sipp(daemon_->sip_port(), {.scenario = "uac_trunk_long.xml",
                                            .local_ip = "127.0.0.2",
                                            .service = number,
                                            .pause_ms = hold_ms,
                                            .timeout_s = 60});
    });
  }

  // The newest call record once it has ended.
  nlohmann::json last_ended_call() {
    const auto list = poll_json(
        "/api/v1/calls?page_size=1", admin_,
        [](const nlohmann::json& l) {
          return !l["items"].empty() && l["items"][0]["disposition"] != "active";
        },
        10);
    if (list["items"].empty() || list["items"][0]["disposition"] == "active") {
      ADD_FAILURE() << "no ended call";
      return nlohmann::json::object();
    }
    return get("/api/v1/calls/" + std::to_string(list["items"][0]["id"].get<std::int64_t>()),
               admin_)
        .json();
  }

  nlohmann::json queue_named(const std::string& name) {
    const auto queues = get("/api/v1/queues", admin_).json();  // named: loops outlive it
    for (const auto& queue : queues["items"])
      if (queue["name"] == name) return queue;
    ADD_FAILURE() << "no queue " << name;
    return nlohmann::json::object();
  }

  void change_queue(const std::string& name, const nlohmann::json& changes) {
    const auto id = std::to_string(queue_named(name)["id"].get<std::int64_t>());
    const auto changed = put_json("/api/v1/queues/" + id, changes, admin_);
    ASSERT_EQ(changed.status, 200u) << changed.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the ACD reloads
  }

  std::string admin_;
  std::map<std::string, std::uint16_t> ports_;
  std::map<std::string, std::string> extensions_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace hotline::test
