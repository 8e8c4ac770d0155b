// Voice messages and satisfaction ratings through the real daemon, on SQLite and PostgreSQL.
// The records are written with the repositories, as the IVR runtime does; the API must mask
// callers for users without calls.numbers, keep the call-back status, audit every play and
// count the survey correctly.
#include <filesystem>
#include <fstream>

#include "api_test_fixture.hpp"
#include "store/call_repository.hpp"
#include "store/database.hpp"
#include "store/survey_repository.hpp"
#include "store/voice_message_repository.hpp"

namespace hotline::test {
namespace {

using boost::beast::http::verb;
using nlohmann::json;

class MessagesApi : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    auto opened = store::Database::open(database_->url(), 1);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(*opened);
  }
  void TearDown() override {
    db_.reset();
    ApiTest::TearDown();
  }

  HttpResponse put(const std::string& target, const json& body, const std::string& token) {
    auto headers = bearer(token);
    headers["Content-Type"] = "application/json";
    return client().request(verb::put, target, body.dump(), headers);
  }

  store::Id add_call(const std::string& uuid, const std::string& caller) {
    store::CallRecord call;
    call.uuid = uuid;
    call.direction = "inbound";
    call.caller = caller;
    call.callee = "84038437";
    call.did = "84038437";
    call.offered_at = now_ms() - 120'000;
    call.ended_at = now_ms() - 60'000;
    call.disposition = "answered";
    auto id = store::CallRepository(*db_).create(call);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }

  store::Id add_message(const std::string& uuid, const std::string& caller,
                        const std::string& content, EpochMs created_at) {
    const auto relative = "messages/" + uuid + ".wav";
    const auto path = std::filesystem::path(daemon_->data_dir()) / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
    store::VoiceMessage message;
    message.call_id = add_call(uuid, caller);
    message.caller = caller;
    message.flow = "main";
    message.file = relative;
    message.duration_ms = 15'000;
    message.created_at = created_at;
    auto id = store::VoiceMessageRepository(*db_).create(message);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }

  std::int64_t user_id(const std::string& token) {
    return get("/api/v1/auth/me", token).json()["user"]["id"].get<std::int64_t>();
  }

  std::unique_ptr<store::Database> db_;
};

TEST_P(MessagesApi, ListMasksCallersForRolesWithoutNumbers) {
  const auto now = now_ms();
  const auto older = add_message("msg-1", "13800138000", std::string(3000, 'a'), now - 7'200'000);
  const auto newer = add_message("msg-2", "13900139000", std::string(3000, 'b'), now - 60'000);
  ASSERT_NE(older, 0);
  ASSERT_NE(newer, 0);

  // Agents hold messages.read but not calls.numbers.
  const auto agent = login("agent1");
  const auto masked = get("/api/v1/messages", agent);
  ASSERT_EQ(masked.status, 200u) << masked.body;
  const auto items = masked.json()["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["id"], newer);  // newest first
  EXPECT_EQ(items[0]["caller"], "139****9000");
  EXPECT_EQ(items[1]["caller"], "138****8000");
  EXPECT_EQ(items[0]["status"], "new");
  EXPECT_EQ(masked.body.find("13800138000"), std::string::npos);

  const auto supervisor = login("supervisor1");
  const auto full = get("/api/v1/messages", supervisor).json()["items"];
  EXPECT_EQ(full[1]["caller"], "13800138000");

  // Filters and paging.
  const auto from = format_iso8601(now - 600'000);
  const auto recent = get("/api/v1/messages?from=" + from, agent).json();
  EXPECT_EQ(recent["total"], 1);
  EXPECT_EQ(get("/api/v1/messages?page_size=1&page=2", agent).json()["items"][0]["id"], older);
  EXPECT_EQ(get("/api/v1/messages?status=bogus", agent).status, 400u);
  EXPECT_EQ(get("/api/v1/messages?from=yesterday", agent).status, 400u);
  EXPECT_EQ(get("/api/v1/messages?page_size=1000", agent).status, 400u);
  EXPECT_EQ(get("/api/v1/messages", login("auditor1")).status, 403u);
  EXPECT_EQ(get("/api/v1/messages/" + std::to_string(older), agent).json()["caller"],
            "138****8000");
  EXPECT_EQ(get("/api/v1/messages/987654", agent).status, 404u);
}

TEST_P(MessagesApi, StatusUpdatesRecordWhoHandledIt) {
  const auto id = add_message("msg-3", "13800138000", std::string(1000, 'c'), now_ms() - 1000);
  const auto target = "/api/v1/messages/" + std::to_string(id);
  const auto agent = login("agent1");

  auto taken = put(target, {{"status", "in_progress"}, {"note", "正在回电"}}, agent);
  ASSERT_EQ(taken.status, 200u) << taken.body;
  EXPECT_EQ(taken.json()["status"], "in_progress");
  EXPECT_EQ(taken.json()["handled_by"], user_id(agent));
  EXPECT_EQ(taken.json()["note"], "正在回电");
  EXPECT_EQ(taken.json()["caller"], "138****8000");

  // Bad input changes nothing.
  EXPECT_EQ(put(target, {{"status", "archived"}}, agent).status, 400u);
  EXPECT_EQ(put(target, {{"status", "done"}, {"handled", true}}, agent).status, 400u);
  EXPECT_EQ(put(target, {{"note", "no status"}}, agent).status, 400u);
  EXPECT_EQ(put(target, {{"status", 3}}, agent).status, 400u);
  auto headers = bearer(agent);
  headers["Content-Type"] = "application/json";
  EXPECT_EQ(client().request(verb::put, target, "{\"status\":", headers).status, 400u);
  EXPECT_EQ(get(target, agent).json()["status"], "in_progress");

  const auto supervisor = login("supervisor1");
  auto done = put(target, {{"status", "done"}}, supervisor);
  ASSERT_EQ(done.status, 200u) << done.body;
  EXPECT_EQ(done.json()["handled_by"], user_id(supervisor));
  EXPECT_EQ(done.json()["note"], "正在回电");  // kept when not given
  EXPECT_EQ(get("/api/v1/messages?status=done", agent).json()["total"], 1);
  EXPECT_EQ(put(target, {{"status", "new"}}, login("auditor1")).status, 403u);
  EXPECT_EQ(put("/api/v1/messages/987654", {{"status", "done"}}, agent).status, 404u);

  const auto audit = get("/api/v1/audit?action=voice_message.update", login("admin")).json();
  EXPECT_EQ(audit["total"], 2);
}

TEST_P(MessagesApi, AudioHasRangesAndEveryPlayIsAudited) {
  std::string content;
  for (int i = 0; i < 2000; ++i) content += static_cast<char>(i % 251);
  const auto id = add_message("msg-4", "13800138000", content, now_ms() - 1000);
  const auto target = "/api/v1/messages/" + std::to_string(id) + "/audio";
  const auto agent = login("agent1");

  const auto whole = get(target, agent);
  ASSERT_EQ(whole.status, 200u);
  EXPECT_EQ(whole.body, content);
  EXPECT_EQ(whole.header("content-type"), "audio/wav");
  EXPECT_EQ(whole.header("accept-ranges"), "bytes");

  auto headers = bearer(agent);
  headers["Range"] = "bytes=100-199";
  const auto part = client().request(verb::get, target, "", headers);
  ASSERT_EQ(part.status, 206u);
  EXPECT_EQ(part.body, content.substr(100, 100));
  EXPECT_EQ(part.header("content-range"), "bytes 100-199/2000");
  headers["Range"] = "bytes=5000-";
  EXPECT_EQ(client().request(verb::get, target, "", headers).status, 416u);
  EXPECT_EQ(get(target, login("auditor1")).status, 403u);

  const auto audit = get("/api/v1/audit?action=voice_message.play", login("admin")).json();
  ASSERT_EQ(audit["total"], 2);  // the refused range played nothing
  EXPECT_EQ(audit["items"][0]["actor_username"], "agent1");
  EXPECT_EQ(audit["items"][0]["detail"]["range"], "bytes=100-199");
  EXPECT_EQ(audit["items"][0]["detail"]["bytes"], 100);
}

TEST_P(MessagesApi, SurveySummaryCountsPerAgent) {
  const auto agent1 = user_id(login("agent1"));
  const auto agent2 = user_id(login("agent2"));
  store::SurveyRepository survey(*db_);
  int n = 0;
  auto rate = [&](std::optional<store::Id> user, const std::string& extension,
                  const std::string& rating) {
    store::SurveyRating r;
    r.call_id = add_call("rated-" + std::to_string(++n), "13800138000");
    r.agent_user_id = user;
    r.agent_extension = extension;
    r.rating = rating;
    auto id = survey.record(r);
    ASSERT_TRUE(id.ok()) << id.error().message;
  };
  rate(agent1, "1001", "satisfied");
  rate(agent1, "1001", "satisfied");
  rate(agent1, "1001", "basically_satisfied");
  rate(agent1, "1001", "dissatisfied");
  rate(agent1, "1001", "not_rated");
  rate(agent2, "1002", "not_rated");

  const auto supervisor = login("supervisor1");
  const auto summary = get("/api/v1/survey/summary", supervisor);
  ASSERT_EQ(summary.status, 200u) << summary.body;
  const auto agents = summary.json()["agents"];
  ASSERT_EQ(agents.size(), 2u) << summary.body;
  const auto& first = agents[0]["agent_extension"] == "1001" ? agents[0] : agents[1];
  const auto& second = agents[0]["agent_extension"] == "1001" ? agents[1] : agents[0];
  EXPECT_EQ(first["agent_user_id"], agent1);
  EXPECT_EQ(first["agent_name"], "张晓燕");
  EXPECT_EQ(first["satisfied"], 2);
  EXPECT_EQ(first["basically_satisfied"], 1);
  EXPECT_EQ(first["dissatisfied"], 1);
  EXPECT_EQ(first["not_rated"], 1);
  EXPECT_EQ(first["rated"], 4);
  EXPECT_EQ(first["total"], 5);
  EXPECT_DOUBLE_EQ(first["satisfaction_rate"].get<double>(), 0.75);  // (2 + 1) / 4
  EXPECT_EQ(second["not_rated"], 1);
  EXPECT_TRUE(second["satisfaction_rate"].is_null());  // nothing rated
  const auto totals = summary.json()["totals"];
  EXPECT_EQ(totals["total"], 6);
  EXPECT_EQ(totals["rated"], 4);
  EXPECT_DOUBLE_EQ(totals["satisfaction_rate"].get<double>(), 0.75);

  const auto ratings = get("/api/v1/survey/ratings?agent=1001", supervisor).json();
  EXPECT_EQ(ratings["total"], 5);
  EXPECT_EQ(ratings["items"][0]["agent_extension"], "1001");
  EXPECT_EQ(get("/api/v1/survey/ratings?agent_user_id=" + std::to_string(agent2), supervisor)
                .json()["total"],
            1);
  const auto future = format_iso8601(now_ms() + 3'600'000);
  EXPECT_EQ(get("/api/v1/survey/summary?from=" + future, supervisor).json()["agents"].size(), 0u);
  EXPECT_EQ(get("/api/v1/survey/ratings?agent=abc", supervisor).status, 400u);
  EXPECT_EQ(get("/api/v1/survey/summary?to=never", supervisor).status, 400u);
  EXPECT_EQ(get("/api/v1/survey/summary", login("agent1")).status, 403u);
}

HOTLINE_INSTANTIATE_API_TEST(MessagesApi);

}  // namespace
}  // namespace hotline::test
