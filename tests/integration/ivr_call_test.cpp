// Citizens in the IVR: the carrier trunk (SIPp on 127.0.0.2) calls the demo public number
// 84038437, which the demo routes to the bureau's flow "main"; the caller keys RFC 4733 digits
// from a capture the test writes. Checks what the call record keeps of the IVR: the path
// (personal numbers masked), the outcome and the encrypted ID number.
#include <chrono>
#include <filesystem>
#include <thread>

#include <future>

#include "api_test_fixture.hpp"
#include "common/secret_box.hpp"
#include "dtmf_pcap.hpp"
#include "loopback_http_server.hpp"
#include "sipp_runner.hpp"
#include "store/call_ivr_repository.hpp"
#include "store/call_repository.hpp"

namespace hotline::test {
namespace {

constexpr const char* kIvrNumber = "84038437";
// The demo's self-service table knows this ID (its check character is X, keyed as '*').
constexpr const char* kKnownId = "11010519491231002X";

class IvrCallTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = login("admin");
    dir_ = std::filesystem::path(daemon_->data_dir()) / "test-dtmf";
    std::filesystem::create_directories(dir_);
  }

  std::string pcap(const std::string& name, const std::string& keys) {
    const auto path = (dir_ / (name + ".pcap")).string();
    write_dtmf_pcap(path, keys);
    return path;
  }

  // The newest call's IVR record once the call has ended (written off the call path).
  std::optional<store::CallIvr> ivr_of_last_call() {
    auto opened = store::Database::open(database_->url(), 1);
    if (!opened) {
      ADD_FAILURE() << opened.error().message;
      return std::nullopt;
    }
    auto& db = **opened;
    for (int i = 0; i < 100; ++i) {
      auto page = store::CallRepository(db).query({}, {1, 1});
      if (page && !page->items.empty() && page->items[0].disposition != "active") {
        auto ivr = store::CallIvrRepository(db).find(page->items[0].id);
        if (ivr && *ivr && (*ivr)->outcome != "in_progress") return **ivr;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "no finished IVR record";
    return std::nullopt;
  }

  HttpResponse put(const std::string& target, const nlohmann::json& body) {
    auto headers = bearer(admin_);
    headers["Content-Type"] = "application/json";
    return client().request(boost::beast::http::verb::put, target, body.dump(), headers);
  }

  nlohmann::json find_named(const std::string& list, const std::string& name) {
    const auto items = get(list, admin_).json();  // named: a temporary would die mid-loop
    for (const auto& item : items["items"])
      if (item["name"] == name) return item;
    ADD_FAILURE() << "no " << name << " in " << list << ": " << items.dump();
    return nlohmann::json::object();
  }

  // Changes the draft of flow `name` with `edit` and publishes it; the runtime reloads.
  void republish(const std::string& name, const std::function<void(nlohmann::json&)>& edit) {
    const auto id = std::to_string(find_named("/api/v1/ivr/flows", name)["id"].get<std::int64_t>());
    auto flow = get("/api/v1/ivr/flows/" + id, admin_).json();
    auto draft = flow["draft"];
    edit(draft);
    const auto saved = put("/api/v1/ivr/flows/" + id, {{"draft", draft}});
    ASSERT_EQ(saved.status, 200u) << saved.body;
    const auto published = post("/api/v1/ivr/flows/" + id + "/publish", {{"note", "test"}}, admin_);
    ASSERT_EQ(published.status, 201u) << published.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the catalog reloads
  }

  // Registers extension 1001 and runs it as an agent who answers, talks 3 s and hangs up first.
  std::future<SippRun> agent_hangs_up_first() {
    const auto phone_port = free_loopback_sip_port();
    const auto registered = run_sipp(
        daemon_->sip_port(),
        {"register_ok.xml", "127.0.0.1", phone_port, "1001", "", 1, "", "1001", kDemoPassword});
    EXPECT_EQ(registered.exit_code, 0) << registered.output;
    auto agent = std::async(std::launch::async, [this, phone_port] {
      return run_sipp(
          daemon_->sip_port(),
          {.scenario = "uas_answer_hangup.xml", .local_port = phone_port, .pause_ms = 3000});
    });
    EXPECT_TRUE(wait_for_udp_listener("127.0.0.1", phone_port));
    return agent;
  }

  // Key 1 (满意) timed for the survey after the agent hangs up: it starts ~5 s into the call and
  // waits 13 s (its prompt, then 8 s).
  std::string survey_key(const std::string& name) {
    DtmfPcapOptions late;
    late.lead_in_ms = 12000;
    const auto keys = (dir_ / (name + ".pcap")).string();
    write_dtmf_pcap(keys, "1", late);
    return keys;
  }

  // The list at `path` once it holds something (written off the call path), else as it is.
  nlohmann::json first_items(const std::string& path) { return poll_list(path, admin_); }

  std::string admin_;
  std::filesystem::path dir_;
};

TEST_P(IvrCallTest, SelfServiceQueryFindsTheCallersCardAndSaysIt) {
  // 3: the progress query; the ID with '*' for X, then '#'. Keys typed ahead of the prompts
  // wait for the menu and the collect node.
  const auto keys = pcap("query", std::string("3") + "11010519491231002*#");
  const auto caller = run_sipp(daemon_->sip_port(), {.scenario = "ivr_caller.xml",
                                                     .local_ip = "127.0.0.2",
                                                     .service = kIvrNumber,
                                                     .replace = {{"[dtmf_pcap]", keys}},
                                                     .pause_ms = 20000,
                                                     .timeout_s = 60});
  ASSERT_EQ(caller.exit_code, 0) << caller.output;
  const auto ivr = ivr_of_last_call();
  ASSERT_TRUE(ivr);
  EXPECT_EQ(ivr->flow, "main");
  EXPECT_EQ(ivr->flow_version, 1);
  EXPECT_EQ(ivr->outcome, "self_served") << ivr->path;
  EXPECT_TRUE(ivr->self_served);
  EXPECT_NE(ivr->path.find("found"), std::string::npos) << ivr->path;
  // The path never holds the ID number; the record keeps it sealed for the agent.
  EXPECT_EQ(ivr->path.find("11010519491231002"), std::string::npos) << ivr->path;
  auto secrets = SecretBox::open_key_file(
      (std::filesystem::path(daemon_->data_dir()) / "secret.key").string());
  ASSERT_TRUE(secrets.ok());
  auto id = secrets->decrypt(ivr->id_sealed);
  ASSERT_TRUE(id.ok()) << "sealed: " << ivr->id_sealed;
  EXPECT_EQ(*id, kKnownId);
}

TEST_P(IvrCallTest, AWrongIdNumberTwiceLeavesTheSelfServiceWithoutALookup) {
  // Both attempts fail the GB 11643 check digit (…0021 instead of …002X): the flow gives up
  // on self-service after two attempts and sends the caller on towards an agent.
  const auto keys = pcap("bad", "3110105194912310021#110105194912310021#");
  // Nobody is ready: the caller waits in the general queue until hanging up 25 s in, and is
  // then a missed call to follow up.
  const auto caller = run_sipp(daemon_->sip_port(), {.scenario = "ivr_caller.xml",
                                                     .local_ip = "127.0.0.2",
                                                     .service = kIvrNumber,
                                                     .replace = {{"[dtmf_pcap]", keys}},
                                                     .pause_ms = 25000,
                                                     .timeout_s = 60});
  EXPECT_EQ(caller.exit_code, 0) << caller.output;
  const auto ivr = ivr_of_last_call();
  ASSERT_TRUE(ivr);
  EXPECT_EQ(ivr->outcome, "queued") << ivr->path;
  EXPECT_FALSE(ivr->self_served);
  EXPECT_EQ(ivr->path.find("found"), std::string::npos) << "no lookup: " << ivr->path;
  EXPECT_EQ(ivr->path.find("1101051949"), std::string::npos) << ivr->path;
  EXPECT_TRUE(ivr->id_sealed.empty());
  const auto missed = first_items("/api/v1/missed-calls");
  ASSERT_EQ(missed.value("total", 0), 1) << missed.dump();
  EXPECT_EQ(missed["items"][0]["lost_in"], "queue");
  EXPECT_EQ(missed["items"][0]["queue"], "general");
}

TEST_P(IvrCallTest, TheCallerRatesTheAgentWhoHungUpFirst) {
  // A flow that hands the caller straight to extension 1001, on its own number.
  const nlohmann::json flow = {
      {"name", "to_agent"},
      {"start", "agent"},
      {"nodes", {{"agent", {{"type", "transfer"}, {"name", "转坐席"}, {"target", "1001"}}}}}};
  const auto created = post("/api/v1/ivr/flows", {{"name", "to_agent"}, {"draft", flow}}, admin_);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto id = std::to_string(created.json()["id"].get<std::int64_t>());
  const auto published =
      post("/api/v1/ivr/flows/" + id + "/publish", nlohmann::json::object(), admin_);
  ASSERT_EQ(published.status, 201u) << published.body;
  const auto route = post(
      "/api/v1/inbound-routes",
      {{"number", "84038439"}, {"destination_type", "ivr"}, {"destination", "to_agent"}}, admin_);
  ASSERT_EQ(route.status, 201u) << route.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // routing and catalog reload

  // The agent talks for 3 s and hangs up; the caller presses 1 (满意) in the survey after.
  auto agent = agent_hangs_up_first();
  const auto keys = survey_key("survey");
  const auto caller =
      run_sipp(daemon_->sip_port(), {.scenario = "ivr_caller_hung_up.xml",
                                     .local_ip = "127.0.0.2",
                                     .service = "84038439",
                                     .replace = {{"[dtmf_pcap]", keys}, {"[timeout_ms]", "40000"}},
                                     .timeout_s = 60});
  EXPECT_EQ(caller.exit_code, 0) << caller.output;  // the IVR says goodbye and hangs up
  EXPECT_EQ(agent.get().exit_code, 0);

  const auto ratings = first_items("/api/v1/survey/ratings");
  ASSERT_EQ(ratings["total"], 1) << ratings.dump();
  EXPECT_EQ(ratings["items"][0]["rating"], "satisfied");
  EXPECT_EQ(ratings["items"][0]["agent_extension"], "1001");
  EXPECT_FALSE(ratings["items"][0]["agent_user_id"].is_null());
  const auto ivr = ivr_of_last_call();
  ASSERT_TRUE(ivr);
  EXPECT_EQ(ivr->outcome, "transferred") << ivr->path;
  EXPECT_NE(ivr->path.find("survey"), std::string::npos) << ivr->path;
}

TEST_P(IvrCallTest, OutsideWorkingHoursTheCallerLeavesAMessage) {
  // A calendar that is never open: the flow's after-hours branch.
  const auto calendar = find_named("/api/v1/ivr/calendars", "default");
  const nlohmann::json closed = {{"utc_offset", "+08:00"},
                                 {"weekly",
                                  {{"mon", nlohmann::json::array()},
                                   {"tue", nlohmann::json::array()},
                                   {"wed", nlohmann::json::array()},
                                   {"thu", nlohmann::json::array()},
                                   {"fri", nlohmann::json::array()},
                                   {"sat", nlohmann::json::array()},
                                   {"sun", nlohmann::json::array()}}}};
  const auto changed =
      put("/api/v1/ivr/calendars/" + std::to_string(calendar["id"].get<std::int64_t>()),
          {{"definition", closed}});
  ASSERT_EQ(changed.status, 200u) << changed.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));

  // 1: leave a message; then 4 s of speaking (silence will do) and the caller hangs up.
  const auto keys = pcap("message", "1");
  const auto caller = run_sipp(daemon_->sip_port(), {.scenario = "ivr_caller.xml",
                                                     .local_ip = "127.0.0.2",
                                                     .service = kIvrNumber,
                                                     .replace = {{"[dtmf_pcap]", keys}},
                                                     .pause_ms = 30000,
                                                     .timeout_s = 60});
  ASSERT_EQ(caller.exit_code, 0) << caller.output;
  const auto messages = poll_list("/api/v1/messages", admin_, 10);
  ASSERT_EQ(messages["total"], 1) << messages.dump();
  const auto message = messages["items"][0];
  EXPECT_EQ(message["flow"], "main");
  EXPECT_EQ(message["status"], "new");
  EXPECT_GT(message["duration_ms"].get<std::int64_t>(), 1000);
  const auto audio = get(message["audio_url"].get<std::string>(), admin_);
  EXPECT_EQ(audio.status, 200u);
  EXPECT_EQ(audio.header("content-type"), "audio/mpeg");  // compressed like recordings (mp3)
  EXPECT_GT(audio.body.size(), 8000u);
  const auto ivr = ivr_of_last_call();
  ASSERT_TRUE(ivr);
  EXPECT_EQ(ivr->outcome, "message") << ivr->path;
  // The message is also a missed call (漏话) for agents to call back.
  const auto missed = get("/api/v1/missed-calls", admin_).json();
  ASSERT_EQ(missed.value("total", 0), 1) << missed.dump();
  EXPECT_EQ(missed["items"][0]["lost_in"], "message");
}

TEST_P(IvrCallTest, ACallerWhoHangsUpInTheMenuIsAMissedCall) {
  // No key: the caller hangs up 3 s into the welcome.
  const auto keys = pcap("none", "");
  const auto caller = run_sipp(daemon_->sip_port(), {.scenario = "ivr_caller.xml",
                                                     .local_ip = "127.0.0.2",
                                                     .service = kIvrNumber,
                                                     .replace = {{"[dtmf_pcap]", keys}},
                                                     .pause_ms = 3000,
                                                     .timeout_s = 30});
  ASSERT_EQ(caller.exit_code, 0) << caller.output;
  const auto ivr = ivr_of_last_call();
  ASSERT_TRUE(ivr);
  EXPECT_EQ(ivr->outcome, "abandoned") << ivr->path;
  const auto missed = first_items("/api/v1/missed-calls");
  ASSERT_EQ(missed.value("total", 0), 1) << missed.dump();
  EXPECT_EQ(missed["items"][0]["lost_in"], "ivr");
  EXPECT_GE(missed["items"][0]["wait_seconds"].get<int>(), 2);
}

// The demo flow's query node pointed at an HTTP source the test serves: a good answer is
// spoken, a slow or dead source takes the flow's error branch (a spoken apology) in time.
TEST_P(IvrCallTest, SelfServiceQueryOverHttpSurvivesASlowAndADeadSource) {
  std::atomic<int> delay_ms{0};
  ivr::testing::LoopbackHttpServer server([&](const ivr::testing::SeenRequest&) {
    ivr::testing::CannedResponse answer;
    answer.body = R"({"data":{"status":"已制作完成","date":"2026-12-01"}})";
    answer.delay_ms = delay_ms.load();
    return answer;
  });
  auto source_config = [](const std::string& base) {
    return nlohmann::json{{"url", base + "/progress?id={id_number}"},
                          {"timeout_ms", 1500},
                          {"max_concurrent", 4},
                          {"fields",
                           {{"status", {{"pointer", "/data/status"}}},
                            {"expected_date", {{"pointer", "/data/date"}}}}}};
  };
  const auto created =
      post("/api/v1/ivr/data-sources",
           {{"name", "card_http"}, {"kind", "http"}, {"config", source_config(server.base_url())}},
           admin_);
  ASSERT_EQ(created.status, 201u) << created.body;
  republish("main", [](nlohmann::json& draft) {
    draft["nodes"]["progress_query"]["source"] = "card_http";
  });

  const auto query_keys = pcap("http", std::string("3") + "11010519491231002*#");
  auto call = [&](const std::string& expected_outcome) {
    const auto caller = run_sipp(daemon_->sip_port(), {.scenario = "ivr_caller.xml",
                                                       .local_ip = "127.0.0.2",
                                                       .service = kIvrNumber,
                                                       .replace = {{"[dtmf_pcap]", query_keys}},
                                                       .pause_ms = 18000,
                                                       .timeout_s = 60});
    EXPECT_EQ(caller.exit_code, 0) << caller.output;
    const auto ivr = ivr_of_last_call();
    ASSERT_TRUE(ivr);
    EXPECT_NE(ivr->path.find(expected_outcome), std::string::npos)
        << "expected a query " << expected_outcome << ": " << ivr->path;
  };
  // The test server knows every number; this one passes the check digit (X keyed as '*').
  call("found");
  EXPECT_EQ(server.request_count(), 1);
  const auto seen = server.requests();
  ASSERT_FALSE(seen.empty());
  EXPECT_NE(seen[0].target.find("id=11010519491231002X"), std::string::npos) << seen[0].target;

  delay_ms = 4000;  // slower than the source's 1.5 s timeout
  call("error");
  const auto dead_port = ivr::testing::unused_loopback_port();
  const auto updated =
      put("/api/v1/ivr/data-sources/" + std::to_string(created.json()["id"].get<std::int64_t>()),
          {{"config", source_config("http://127.0.0.1:" + std::to_string(dead_port))}});
  ASSERT_EQ(updated.status, 200u) << updated.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  call("error");
  // The ID number went to the source but never into the daemon's log.
  EXPECT_EQ(daemon_->log().find("11010519491231002"), std::string::npos);
}

// Test-publish: the draft goes on the test line. Extension 1001 dials "*77" + the flow's id and
// walks the TEST version (key 1 says goodbye from a node only the draft has), while the public
// number still runs the published version; a trunk caller cannot reach the test line, and
// once the test version is withdrawn the code gets the apology.
TEST_P(IvrCallTest, AnExtensionHearsTheTestVersionWhileThePublicNumberKeepsThePublished) {
  auto flow_with_key_1_to = [](const std::string& goodbye, const std::string& words) {
    return nlohmann::json{
        {"start", "menu"},
        {"nodes",
         {{"menu",
           {{"type", "menu"},
            {"prompts", {{{"text", "请按1。"}}}},
            {"timeout_ms", 8000},
            {"max_retries", 0},
            {"exits", {{"1", goodbye}, {"timeout", goodbye}, {"invalid", goodbye}}}}},
          {goodbye, {{"type", "hangup"}, {"prompts", {{{"text", words}}}}}}}}};
  };
  const auto created =
      post("/api/v1/ivr/flows",
           {{"name", "trial"}, {"draft", flow_with_key_1_to("published_bye", "正式版本，再见。")}},
           admin_);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto id = std::to_string(created.json()["id"].get<std::int64_t>());
  const auto target = "/api/v1/ivr/flows/" + id;
  ASSERT_EQ(post(target + "/publish", nlohmann::json::object(), admin_).status, 201u);
  const auto route =
      post("/api/v1/inbound-routes",
           {{"number", "84038440"}, {"destination_type", "ivr"}, {"destination", "trial"}}, admin_);
  ASSERT_EQ(route.status, 201u) << route.body;
  // The draft changes what key 1 does, and goes on the test line only.
  const auto saved = put(target, {{"draft", flow_with_key_1_to("test_bye", "测试版本，再见。")}});
  ASSERT_EQ(saved.status, 200u) << saved.body;
  const auto tested = post(target + "/test-publish", nlohmann::json::object(), admin_);
  ASSERT_EQ(tested.status, 200u) << tested.body;
  const auto code = tested.json()["test_code"].get<std::string>();
  EXPECT_EQ(code, "*77" + id);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // routing and catalog reload

  DtmfPcapOptions after_prompt;
  after_prompt.lead_in_ms = 2000;
  const auto key_1 = (dir_ / "test_line.pcap").string();
  write_dtmf_pcap(key_1, "1", after_prompt);

  const auto phone_port = free_loopback_sip_port();
  const auto registered = run_sipp(daemon_->sip_port(), {"register_ok.xml", "127.0.0.1", phone_port,
                                                         "1001", "", 1, "", "1001", kDemoPassword});
  ASSERT_EQ(registered.exit_code, 0) << registered.output;
  auto phone_calls = [&](const std::string& dialled) {
    return run_sipp(daemon_->sip_port(),
                    {.scenario = "ivr_phone_caller_hung_up.xml",
                     .local_ip = "127.0.0.1",
                     .service = dialled,
                     .extra = "-key caller 1001",
                     .auth_user = "1001",
                     .auth_password = kDemoPassword,
                     .replace = {{"[dtmf_pcap]", key_1}, {"[timeout_ms]", "30000"}},
                     .timeout_s = 60});
  };

  // The extension on the test line: the draft's goodbye, recorded as a test call.
  const auto test_call = phone_calls(code);
  ASSERT_EQ(test_call.exit_code, 0) << test_call.output;  // the test version says goodbye
  auto ivr = ivr_of_last_call();
  ASSERT_TRUE(ivr);
  EXPECT_EQ(ivr->flow, "test:trial");
  EXPECT_FALSE(ivr->flow_version) << "a test version has no number";
  EXPECT_EQ(ivr->outcome, "test") << ivr->path;
  EXPECT_FALSE(ivr->self_served);
  EXPECT_NE(ivr->path.find("test_bye"), std::string::npos) << ivr->path;
  EXPECT_EQ(ivr->path.find("published_bye"), std::string::npos) << ivr->path;

  // The public number, same key: still the published version.
  const auto public_call =
      run_sipp(daemon_->sip_port(), {.scenario = "ivr_caller_hung_up.xml",
                                     .local_ip = "127.0.0.2",
                                     .service = "84038440",
                                     .replace = {{"[dtmf_pcap]", key_1}, {"[timeout_ms]", "30000"}},
                                     .timeout_s = 60});
  ASSERT_EQ(public_call.exit_code, 0) << public_call.output;
  ivr = ivr_of_last_call();
  ASSERT_TRUE(ivr);
  EXPECT_EQ(ivr->flow, "trial");
  EXPECT_EQ(ivr->flow_version, 1);
  EXPECT_NE(ivr->outcome, "test");
  EXPECT_NE(ivr->path.find("published_bye"), std::string::npos) << ivr->path;
  EXPECT_EQ(ivr->path.find("test_bye"), std::string::npos) << ivr->path;

  // A trunk caller dialling the code reaches nothing.
  const auto from_trunk =
      run_sipp(daemon_->sip_port(), {"uac_refused.xml", "127.0.0.2", 0, code, "", 1, "404"});
  EXPECT_EQ(from_trunk.exit_code, 0) << from_trunk.output;

  // Withdrawn: the code gets the apology and is hung up, like a flow never published.
  ASSERT_EQ(del(target + "/test-publish", admin_).status, 204u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the catalog reloads
  const auto withdrawn = phone_calls(code);
  EXPECT_EQ(withdrawn.exit_code, 0) << withdrawn.output;
  auto opened = store::Database::open(database_->url(), 1);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  std::optional<store::CallRecord> last;
  for (int i = 0; i < 100; ++i) {
    auto page = store::CallRepository(**opened).query({}, {1, 1});
    if (page && !page->items.empty() && page->items[0].disposition != "active") {
      last = page->items[0];
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(last);
  EXPECT_EQ(last->callee, code);
  EXPECT_EQ(last->cause, "ivr_unavailable");
  EXPECT_FALSE(*store::CallIvrRepository(**opened).find(last->id)) << "no flow ran";
}

// A test call handed to an agent who hangs up first still hears the survey, but its rating is
// not kept: test calls never count in the satisfaction figures. The flow was never published.
TEST_P(IvrCallTest, ATestCallsSurveyRatingIsNotKept) {
  const nlohmann::json flow = {
      {"start", "agent"},
      {"nodes", {{"agent", {{"type", "transfer"}, {"name", "转坐席"}, {"target", "1001"}}}}}};
  const auto created =
      post("/api/v1/ivr/flows", {{"name", "to_agent_trial"}, {"draft", flow}}, admin_);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto id = std::to_string(created.json()["id"].get<std::int64_t>());
  const auto tested =
      post("/api/v1/ivr/flows/" + id + "/test-publish", nlohmann::json::object(), admin_);
  ASSERT_EQ(tested.status, 200u) << tested.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the catalog reloads

  auto agent = agent_hangs_up_first();
  const auto keys = survey_key("test_survey");
  // Extension 1002 calls the test line; 1001 answers, talks 3 s and hangs up; 1002 keys 1.
  const auto caller =
      run_sipp(daemon_->sip_port(), {.scenario = "ivr_phone_caller_hung_up.xml",
                                     .local_ip = "127.0.0.1",
                                     .service = tested.json()["test_code"].get<std::string>(),
                                     .extra = "-key caller 1002",
                                     .auth_user = "1002",
                                     .auth_password = kDemoPassword,
                                     .replace = {{"[dtmf_pcap]", keys}, {"[timeout_ms]", "40000"}},
                                     .timeout_s = 60});
  EXPECT_EQ(caller.exit_code, 0) << caller.output;  // the survey says goodbye and hangs up
  EXPECT_EQ(agent.get().exit_code, 0);

  const auto ivr = ivr_of_last_call();
  ASSERT_TRUE(ivr);
  EXPECT_EQ(ivr->flow, "test:to_agent_trial");
  EXPECT_EQ(ivr->outcome, "test") << ivr->path;
  // The survey ran and took the key ...
  EXPECT_NE(ivr->path.find("survey"), std::string::npos) << ivr->path;
  EXPECT_NE(ivr->path.find("satisfied"), std::string::npos) << ivr->path;
  // ... but nothing was rated.
  const auto ratings = get("/api/v1/survey/ratings", admin_).json();
  EXPECT_EQ(ratings["total"], 0) << ratings.dump();
}

HOTLINE_INSTANTIATE_API_TEST(IvrCallTest);

}  // namespace
}  // namespace hotline::test
