// The IVR's REST API through the real daemon, on SQLite and PostgreSQL: flows (drafts, shape
// errors, publish-time validation, versions), calendars and their CSV import, prompts (upload,
// speech), self-service data sources (CSV import, masked records, a test query), test-publish
// and the IVR part of a call record. Bad input must be refused clearly and change nothing.
#include <soci/soci.h>

#include <cmath>
#include <filesystem>

#include "api/csv_table.hpp"
#include "api/wav_bytes.hpp"
#include "api_test_fixture.hpp"
#include "common/masking.hpp"
#include "ivr/demo_flow.hpp"
#include "ivr/id_number.hpp"
#include "store/call_ivr_repository.hpp"
#include "store/call_repository.hpp"
#include "store/database.hpp"
#include "ws_client.hpp"

namespace hotline::test {
namespace {

using boost::beast::http::verb;
using nlohmann::json;

// 16-bit mono PCM WAV of a 440 Hz tone, written here so the test does not trust the code under
// test to make its own input.
std::string tone_wav(int sample_rate, int milliseconds) {
  std::string out;
  auto u16 = [&out](unsigned v) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>((v >> 8) & 0xff);
  };
  auto u32 = [&u16](unsigned v) {
    u16(v & 0xffff);
    u16(v >> 16);
  };
  const unsigned samples = static_cast<unsigned>(sample_rate) * milliseconds / 1000;
  out += "RIFF";
  u32(36 + samples * 2);
  out += "WAVEfmt ";
  u32(16);
  u16(1);
  u16(1);
  u32(static_cast<unsigned>(sample_rate));
  u32(static_cast<unsigned>(sample_rate) * 2);
  u16(2);
  u16(16);
  out += "data";
  u32(samples * 2);
  for (unsigned i = 0; i < samples; ++i)
    u16(static_cast<unsigned>(
            static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * 440.0 * i / sample_rate))) &
        0xffff);
  return out;
}

// A valid 18-character ID from 17 digits.
std::string valid_id(const std::string& first17) {
  return first17 + ivr::id_number_check_character(first17);
}

// The same 17 digits with a check character that is wrong.
std::string bad_check_id(const std::string& first17) {
  const char good = ivr::id_number_check_character(first17);
  return first17 + (good == '0' ? '1' : '0');
}

class IvrApi : public ApiTest {
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
  HttpResponse post_raw(const std::string& target, const std::string& body,
                        const std::string& content_type, const std::string& token) {
    auto headers = bearer(token);
    headers["Content-Type"] = content_type;
    return client().request(verb::post, target, body, headers);
  }
  HttpResponse get_with(const std::string& target, const std::string& token,
                        std::map<std::string, std::string> extra) {
    auto headers = bearer(token);
    headers.insert(extra.begin(), extra.end());
    return client().request(verb::get, target, "", headers);
  }
  json find_named(const std::string& list, const std::string& name, const std::string& token) {
    const auto items = get(list, token).json()["items"];
    for (const auto& item : items)
      if (item["name"] == name) return item;
    return nullptr;
  }
  std::string id_of(const json& item) { return std::to_string(item["id"].get<std::int64_t>()); }

  std::unique_ptr<store::Database> db_;
};

// ---- flows ----------------------------------------------------------------------------------

TEST_P(IvrApi, FlowCrudShapeErrorsAndPermissions) {
  const auto admin = login("admin");
  const auto main = find_named("/api/v1/ivr/flows", "main", admin);
  ASSERT_TRUE(main.is_object());
  EXPECT_EQ(main["published_version"], 1);
  EXPECT_EQ(main["draft_differs"], false);
  EXPECT_FALSE(main.contains("draft"));

  auto created =
      post("/api/v1/ivr/flows", {{"name", "after_hours"}, {"description", "夜间"}}, admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto flow = created.json();
  EXPECT_EQ(flow["draft"]["name"], "after_hours");
  EXPECT_TRUE(flow["draft"]["nodes"].empty());
  EXPECT_TRUE(flow["published_version"].is_null());
  const auto target = "/api/v1/ivr/flows/" + id_of(flow);

  // Who may do what: agents see nothing, supervisors read, only ivr.manage writes.
  const auto agent = login("agent1");
  const auto supervisor = login("supervisor1");
  EXPECT_EQ(get("/api/v1/ivr/flows", agent).status, 403u);
  EXPECT_EQ(put(target, {{"description", "x"}}, agent).status, 403u);
  EXPECT_EQ(get(target, supervisor).status, 200u);
  EXPECT_EQ(put(target, {{"description", "x"}}, supervisor).status, 403u);
  EXPECT_EQ(post(target + "/publish", json::object(), supervisor).status, 403u);

  // An unfinished but well-shaped draft is accepted ...
  json draft = {
      {"start", "hello"},
      {"nodes",
       {{"hello",
         {{"type", "play"}, {"prompts", {{{"text", "您好"}}}}, {"exits", json::object()}}}}}};
  auto saved = put(target, {{"draft", draft}}, admin);
  ASSERT_EQ(saved.status, 200u) << saved.body;
  EXPECT_EQ(saved.json()["draft"]["start"], "hello");
  EXPECT_EQ(saved.json()["draft"]["name"], "after_hours");  // the server owns the name

  // ... an ill-shaped one is refused naming its node, and the stored draft stays.
  json broken = draft;
  broken["nodes"]["oops"] = {{"type", "no_such_type"}};
  auto refused = put(target, {{"draft", broken}, {"description", "changed"}}, admin);
  ASSERT_EQ(refused.status, 422u) << refused.body;
  const auto issues = refused.json()["error"]["issues"];
  ASSERT_FALSE(issues.empty());
  bool names_node = false;
  for (const auto& issue : issues) names_node = names_node || issue["node"] == "oops";
  EXPECT_TRUE(names_node) << issues.dump();
  const auto after = get(target, admin).json();
  EXPECT_FALSE(after["draft"]["nodes"].contains("oops"));
  EXPECT_EQ(after["description"], "夜间");

  json wrong_type = draft;
  wrong_type["nodes"]["hello"]["interruptible"] = "yes";
  refused = put(target, {{"draft", wrong_type}}, admin);
  ASSERT_EQ(refused.status, 422u) << refused.body;
  EXPECT_EQ(refused.json()["error"]["issues"][0]["node"], "hello");
  EXPECT_EQ(refused.json()["error"]["issues"][0]["field"], "interruptible");

  // Validate reports what publishing would refuse.
  const auto report = post(target + "/validate", json::object(), admin);
  ASSERT_EQ(report.status, 200u) << report.body;
  EXPECT_FALSE(report.json()["ok"].get<bool>());
  EXPECT_FALSE(report.json()["errors"].empty());

  // Bad input elsewhere.
  EXPECT_EQ(put(target, {{"draft", "not an object"}}, admin).status, 400u);
  EXPECT_EQ(put(target, {{"colour", "blue"}}, admin).status, 400u);
  EXPECT_EQ(post("/api/v1/ivr/flows", {{"name", "Has Spaces"}}, admin).status, 400u);
  EXPECT_EQ(post("/api/v1/ivr/flows", {{"name", 42}}, admin).status, 400u);
  EXPECT_EQ(post("/api/v1/ivr/flows", {{"name", "main"}}, admin).status, 409u);
  auto malformed = post_raw("/api/v1/ivr/flows", "{\"name\": ", "application/json", admin);
  EXPECT_EQ(malformed.status, 400u);
  EXPECT_EQ(malformed.json()["error"]["code"], "invalid_json");

  // The demo number routes to "main": it cannot be deleted; the new flow can.
  const auto main_target = "/api/v1/ivr/flows/" + id_of(main);
  EXPECT_EQ(del(main_target, admin).status, 409u);
  EXPECT_EQ(del(target, agent).status, 403u);
  EXPECT_EQ(del(target, admin).status, 204u);
  EXPECT_EQ(get(target, admin).status, 404u);
  EXPECT_TRUE(find_named("/api/v1/ivr/flows", "after_hours", admin).is_null());
}

TEST_P(IvrApi, PublishRejectsUnsafeFlowsAndKeepsVersions) {
  const auto admin = login("admin");
  auto created = post("/api/v1/ivr/flows", {{"name", "bureau"}}, admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto target = "/api/v1/ivr/flows/" + id_of(created.json());

  // Well-shaped, but the welcome leads nowhere: publishing names the node.
  auto unsafe = ivr::bureau_demo_flow();
  unsafe["nodes"]["welcome"]["exits"]["next"] = "nowhere";
  ASSERT_EQ(put(target, {{"draft", unsafe}}, admin).status, 200u);
  auto refused = post(target + "/publish", {{"note", "坏的"}}, admin);
  ASSERT_EQ(refused.status, 422u) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "flow_not_publishable");
  bool names_welcome = false;
  const auto issues = refused.json()["error"]["issues"];  // named: a temporary would die mid-loop
  for (const auto& issue : issues) names_welcome = names_welcome || issue["node"] == "welcome";
  EXPECT_TRUE(names_welcome) << refused.body;
  EXPECT_TRUE(get(target + "/versions", admin).json()["items"].empty());

  // The bureau's demo flow publishes.
  ASSERT_EQ(put(target, {{"draft", ivr::bureau_demo_flow()}}, admin).status, 200u);
  auto first = post(target + "/publish", {{"note", "首次上线"}}, admin);
  ASSERT_EQ(first.status, 201u) << first.body;
  EXPECT_EQ(first.json()["version"], 1);
  EXPECT_EQ(first.json()["graph"]["name"], "bureau");
  EXPECT_EQ(first.json()["note"], "首次上线");
  EXPECT_EQ(get(target, admin).json()["draft_differs"], false);

  // An edit makes the draft differ; publishing again makes version 2.
  auto edited = ivr::bureau_demo_flow();
  edited["nodes"]["welcome"]["prompts"] = {{{"text", "您好，这里是社保热线。"}}};
  ASSERT_EQ(put(target, {{"draft", edited}}, admin).status, 200u);
  EXPECT_EQ(get(target, admin).json()["draft_differs"], true);
  auto second = post(target + "/publish", json::object(), admin);
  ASSERT_EQ(second.status, 201u) << second.body;
  EXPECT_EQ(second.json()["version"], 2);
  EXPECT_EQ(get(target, admin).json()["published_version"], 2);

  const auto versions = get(target + "/versions", admin).json()["items"];
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0]["version"], 2);
  EXPECT_FALSE(versions[0].contains("graph"));
  const auto v1 = get(target + "/versions/1", admin).json();
  EXPECT_EQ(v1["graph"]["nodes"]["welcome"]["prompts"],
            ivr::bureau_demo_flow()["nodes"]["welcome"]["prompts"]);
  EXPECT_EQ(get(target + "/versions/3", admin).status, 404u);
  EXPECT_EQ(get(target + "/versions/1", login("supervisor1")).status, 200u);
  EXPECT_EQ(post(target + "/publish", {{"note", 5}}, admin).status, 400u);

  // Publishing is audited with the version.
  const auto audit = get("/api/v1/audit?action=ivr_flow.publish", admin).json();
  ASSERT_EQ(audit["total"], 2) << audit.dump();
  EXPECT_EQ(audit["items"][0]["actor_username"], "admin");
  EXPECT_EQ(audit["items"][0]["detail"]["version"], 2);
  EXPECT_EQ(audit["items"][0]["detail"]["flow"], "bureau");
}

// Test-publish: the draft goes on the test line ("*77" + id, internal phones only) after the
// same validation as publish; the published version and the version history are untouched.
TEST_P(IvrApi, TestPublishPutsTheDraftOnTheTestLineWithoutPublishing) {
  const auto admin = login("admin");
  auto created = post("/api/v1/ivr/flows", {{"name", "trial"}}, admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto flow_id = id_of(created.json());
  const auto target = "/api/v1/ivr/flows/" + flow_id;
  const auto test_line = target + "/test-publish";
  EXPECT_TRUE(created.json()["test_code"].is_null());
  auto test_rows = [this] {
    soci::session sql(db_->pool());
    long long rows = -1;
    sql << "SELECT COUNT(*) FROM ivr_flow_tests", soci::into(rows);
    return rows;
  };

  // An unsafe draft is refused as publish refuses it, naming the node; nothing is stored.
  auto unsafe = ivr::bureau_demo_flow();
  unsafe["nodes"]["welcome"]["exits"]["next"] = "nowhere";
  ASSERT_EQ(put(target, {{"draft", unsafe}}, admin).status, 200u);
  auto refused = post(test_line, json::object(), admin);
  ASSERT_EQ(refused.status, 422u) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "flow_not_publishable");
  bool names_welcome = false;
  const auto issues = refused.json()["error"]["issues"];  // named: a temporary would die mid-loop
  for (const auto& issue : issues) names_welcome = names_welcome || issue["node"] == "welcome";
  EXPECT_TRUE(names_welcome) << refused.body;
  EXPECT_EQ(test_rows(), 0);
  EXPECT_TRUE(get(target, admin).json()["test_code"].is_null());

  // A valid draft: the answer carries the code to dial and when it was test-published.
  ASSERT_EQ(put(target, {{"draft", ivr::bureau_demo_flow()}}, admin).status, 200u);
  EXPECT_EQ(post(test_line, {{"note", "x"}}, admin).status, 400u);  // no body fields
  auto tested = post(test_line, json::object(), admin);
  ASSERT_EQ(tested.status, 200u) << tested.body;
  const auto answer = tested.json();
  EXPECT_EQ(answer["test_code"], "*77" + flow_id);
  EXPECT_EQ(answer["flow_name"], "trial");
  EXPECT_TRUE(answer["test_published_at"].is_string()) << tested.body;
  EXPECT_TRUE(answer["test_published_by"].is_number_integer()) << tested.body;
  EXPECT_TRUE(answer["warnings"].is_array());
  EXPECT_EQ(test_rows(), 1);

  // The flow shows it; nothing was published.
  auto shown = get(target, admin).json();
  EXPECT_EQ(shown["test_code"], "*77" + flow_id);
  EXPECT_EQ(shown["test_published_at"], answer["test_published_at"]);
  EXPECT_EQ(shown["test_published_by"], answer["test_published_by"]);
  EXPECT_EQ(shown["test_differs"], false);
  EXPECT_TRUE(shown["published_version"].is_null());
  EXPECT_TRUE(get(target + "/versions", admin).json()["items"].empty());
  EXPECT_EQ(find_named("/api/v1/ivr/flows", "trial", admin)["test_code"], "*77" + flow_id);
  // Editing the draft afterwards: the test line still has the old one.
  auto edited = ivr::bureau_demo_flow();
  edited["nodes"]["welcome"]["prompts"] = {{{"text", "试听版本"}}};
  ASSERT_EQ(put(target, {{"draft", edited}}, admin).status, 200u);
  EXPECT_EQ(get(target, admin).json()["test_differs"], true);

  // Only ivr.manage may put a draft on the test line or take it off.
  const auto supervisor = login("supervisor1");
  const auto agent = login("agent1");
  EXPECT_EQ(post(test_line, json::object(), supervisor).status, 403u);
  EXPECT_EQ(post(test_line, json::object(), agent).status, 403u);
  EXPECT_EQ(del(test_line, supervisor).status, 403u);
  EXPECT_EQ(get(target, supervisor).json()["test_code"], "*77" + flow_id);
  EXPECT_EQ(post("/api/v1/ivr/flows/987654/test-publish", json::object(), admin).status, 404u);

  // Audited like publish.
  const auto audit = get("/api/v1/audit?action=ivr_flow.test_publish", admin).json();
  ASSERT_EQ(audit["total"], 1) << audit.dump();
  EXPECT_EQ(audit["items"][0]["actor_username"], "admin");
  EXPECT_EQ(audit["items"][0]["detail"]["flow"], "trial");
  EXPECT_EQ(audit["items"][0]["detail"]["test_code"], "*77" + flow_id);

  // Withdrawn: gone from the flow; a second withdrawal finds nothing.
  EXPECT_EQ(del(test_line, admin).status, 204u);
  EXPECT_EQ(test_rows(), 0);
  shown = get(target, admin).json();
  EXPECT_TRUE(shown["test_code"].is_null()) << shown.dump();
  EXPECT_TRUE(shown["test_published_at"].is_null());
  EXPECT_EQ(del(test_line, admin).status, 404u);
  const auto withdrawals = get("/api/v1/audit?action=ivr_flow.test_withdraw", admin).json();
  EXPECT_EQ(withdrawals["total"], 1) << withdrawals.dump();

  // A test version goes with its flow.
  ASSERT_EQ(post(test_line, json::object(), admin).status, 200u);
  EXPECT_EQ(test_rows(), 1);
  EXPECT_EQ(del(target, admin).status, 204u);
  EXPECT_EQ(test_rows(), 0);
}

TEST_P(IvrApi, ChangesAreAnnouncedAndRefusalsAreNot) {
  const auto admin = login("admin");
  auto ws = WsClient::connect("127.0.0.1", daemon_->port(), "/api/v1/ws?token=" + admin);
  ws.read_json(std::chrono::seconds(10));  // hello
  auto created = post("/api/v1/ivr/flows", {{"name", "announced"}}, admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  auto event = ws.read_json(std::chrono::seconds(10));
  EXPECT_EQ(event["type"], "ivr.changed");
  EXPECT_EQ(event["data"]["what"], "flows");
  EXPECT_EQ(event["data"]["id"], created.json()["id"]);

  // A refused publish and a refused calendar change announce nothing: the next event is the
  // calendar that was created afterwards.
  const auto target = "/api/v1/ivr/flows/" + id_of(created.json());
  ASSERT_EQ(post(target + "/publish", json::object(), admin).status, 422u);
  ASSERT_EQ(post("/api/v1/ivr/calendars", {{"name", "bad"}, {"definition", {{"weekly", 5}}}}, admin)
                .status,
            422u);
  ASSERT_EQ(post("/api/v1/ivr/calendars", {{"name", "weekend"}}, admin).status, 201u);
  event = ws.read_json(std::chrono::seconds(10));
  EXPECT_EQ(event["type"], "ivr.changed");
  EXPECT_EQ(event["data"]["what"], "calendars");
}

// ---- calendars ------------------------------------------------------------------------------

TEST_P(IvrApi, CalendarsAndTheirCsvImport) {
  const auto admin = login("admin");
  const auto demo = find_named("/api/v1/ivr/calendars", "default", admin);
  ASSERT_TRUE(demo.is_object());
  const auto status = get("/api/v1/ivr/calendars/" + id_of(demo) + "/status", admin).json();
  EXPECT_TRUE(status["open"].get<bool>());  // the demo is open around the clock
  EXPECT_TRUE(status["next_change"].is_null());

  auto created = post("/api/v1/ivr/calendars", {{"name", "office"}}, admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto calendar = created.json();
  EXPECT_EQ(calendar["definition"]["weekly"]["mon"].size(), 2u);  // office hours by default
  EXPECT_TRUE(calendar["definition"]["weekly"]["sun"].empty());
  const auto target = "/api/v1/ivr/calendars/" + id_of(calendar);
  const auto closed_now = get(target + "/status", admin).json();
  EXPECT_FALSE(closed_now["next_change"].is_null());

  // Byte-order mark, CRLF, Chinese type words: two exceptions.
  const std::string good =
      "\xEF\xBB\xBF"
      "date,type,name\r\n2026-10-01,休,国庆节\r\n2026/10/10,班,国庆节调休\r\n";
  auto imported = post_raw(target + "/import", good, "text/csv", admin);
  ASSERT_EQ(imported.status, 200u) << imported.body;
  EXPECT_EQ(imported.json()["imported"], 2);
  EXPECT_EQ(imported.json()["calendar"]["definition"]["exceptions"].size(), 2u);

  // A bad line: nothing changes, and the line is named.
  const std::string bad = "date,type,name\n2026-05-01,休,劳动节\n2026-02-30,休,不存在\n";
  auto refused = post_raw(target + "/import", bad, "text/csv", admin);
  ASSERT_EQ(refused.status, 422u) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "invalid_csv");
  EXPECT_EQ(refused.json()["error"]["lines"][0]["line"], 3);
  EXPECT_EQ(get(target, admin).json()["definition"]["exceptions"].size(), 2u);
  EXPECT_EQ(post_raw(target + "/import", "", "text/csv", admin).status, 422u);

  // Merge by date, then replace.
  ASSERT_EQ(post_raw(target + "/import", "2026-05-01,休,劳动节\n", "text/csv", admin).status, 200u);
  EXPECT_EQ(get(target, admin).json()["definition"]["exceptions"].size(), 3u);
  ASSERT_EQ(
      post_raw(target + "/import?replace=true", "2027-01-01,休,元旦\n", "text/csv", admin).status,
      200u);
  const auto replaced = get(target, admin).json()["definition"]["exceptions"];
  ASSERT_EQ(replaced.size(), 1u);
  EXPECT_EQ(replaced[0]["date"], "2027-01-01");
  EXPECT_EQ(post_raw(target + "/import?replace=maybe", good, "text/csv", admin).status, 400u);

  // Definitions are checked by the runtime's reader.
  auto definition = calendar["definition"];
  definition["weekly"]["mon"] = {"17:00-09:00"};
  auto bad_definition = put(target, {{"definition", definition}}, admin);
  EXPECT_EQ(bad_definition.status, 422u) << bad_definition.body;
  EXPECT_EQ(bad_definition.json()["error"]["code"], "invalid_calendar");
  EXPECT_EQ(put(target, {{"definition", "open"}}, admin).status, 400u);
  EXPECT_EQ(post_raw(target + "/import", good, "text/csv", login("supervisor1")).status, 403u);
  EXPECT_EQ(del(target, admin).status, 204u);
  EXPECT_EQ(get(target, admin).status, 404u);
}

// ---- prompts --------------------------------------------------------------------------------

TEST_P(IvrApi, PromptUploadConvertsGoodAudioAndRefusesBadBytes) {
  const auto admin = login("admin");
  const auto upload = tone_wav(16000, 1000);
  auto created = post_raw("/api/v1/ivr/prompts/upload?name=hello&text=%E4%BD%A0%E5%A5%BD", upload,
                          "audio/wav", admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto prompt = created.json();
  EXPECT_EQ(prompt["kind"], "audio");
  EXPECT_EQ(prompt["text"], "你好");
  EXPECT_NEAR(prompt["duration_ms"].get<double>(), 1000, 50);
  EXPECT_EQ(prompt["sha256"].get<std::string>().size(), 64u);

  // The converted file: 8 kHz mono 16-bit WAV, named after the prompt and its digest.
  const auto dir = std::filesystem::path(daemon_->data_dir()) / "prompts";
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    files.push_back(entry.path().filename().string());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0], "hello-" + prompt["sha256"].get<std::string>().substr(0, 8) + ".wav");

  const auto audio_target = "/api/v1/ivr/prompts/" + id_of(prompt) + "/audio";
  auto audio = get(audio_target, login("supervisor1"));
  ASSERT_EQ(audio.status, 200u);
  EXPECT_EQ(audio.header("content-type"), "audio/wav");
  ASSERT_GT(audio.body.size(), 44u);
  EXPECT_EQ(audio.body.substr(0, 4), "RIFF");
  const auto rate = static_cast<unsigned char>(audio.body[24]) |
                    (static_cast<unsigned char>(audio.body[25]) << 8);
  EXPECT_EQ(rate, 8000);
  EXPECT_NEAR(static_cast<double>(audio.body.size() - 44), 16000, 400);  // 1 s at 8 kHz
  auto part = get_with(audio_target, admin, {{"Range", "bytes=0-99"}});
  EXPECT_EQ(part.status, 206u);
  EXPECT_EQ(part.body.size(), 100u);

  // Garbage, emptiness, no name, a taken name of another kind: refused, nothing left behind.
  auto garbage = post_raw("/api/v1/ivr/prompts/upload?name=noise",
                          std::string(4000, '\x5a') + "not audio at all", "audio/wav", admin);
  EXPECT_EQ(garbage.status, 422u) << garbage.body;
  EXPECT_EQ(garbage.json()["error"]["code"], "prompt_unreadable");
  auto truncated =
      post_raw("/api/v1/ivr/prompts/upload?name=noise", upload.substr(0, 30), "audio/wav", admin);
  EXPECT_EQ(truncated.status, 422u) << truncated.body;
  auto empty = post_raw("/api/v1/ivr/prompts/upload?name=noise", "", "audio/wav", admin);
  EXPECT_EQ(empty.status, 400u) << empty.body;
  EXPECT_EQ(post_raw("/api/v1/ivr/prompts/upload", upload, "audio/wav", admin).status, 400u);
  EXPECT_EQ(
      post_raw("/api/v1/ivr/prompts/upload?name=Bad%20Name", upload, "audio/wav", admin).status,
      400u);
  auto oversized = post_raw("/api/v1/ivr/prompts/upload?name=huge",
                            upload + std::string(1100 * 1024, '\0'), "audio/wav", admin);
  EXPECT_EQ(oversized.status, 413u);
  EXPECT_EQ(
      post_raw("/api/v1/ivr/prompts/upload?name=hello", upload, "audio/wav", login("supervisor1"))
          .status,
      403u);
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++count;
  EXPECT_EQ(count, 1u);
  EXPECT_TRUE(find_named("/api/v1/ivr/prompts", "noise", admin).is_null());

  // Uploading again under the same name replaces the audio in place.
  auto replaced =
      post_raw("/api/v1/ivr/prompts/upload?name=hello", tone_wav(8000, 2000), "audio/wav", admin);
  ASSERT_EQ(replaced.status, 200u) << replaced.body;
  EXPECT_EQ(replaced.json()["id"], prompt["id"]);
  EXPECT_NEAR(replaced.json()["duration_ms"].get<double>(), 2000, 50);

  EXPECT_EQ(del("/api/v1/ivr/prompts/" + id_of(prompt), admin).status, 204u);
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  const auto audit = get("/api/v1/audit?action=ivr_prompt.upload", admin).json();
  EXPECT_EQ(audit["total"], 2);
}

TEST_P(IvrApi, SpeechPromptsAndPreviewAreWav) {
  const auto admin = login("admin");
  auto created = post("/api/v1/ivr/prompts",
                      {{"name", "greet"}, {"kind", "tts"}, {"text", "您好，欢迎致电。"}}, admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto audio = get("/api/v1/ivr/prompts/" + id_of(created.json()) + "/audio", admin);
  ASSERT_EQ(audio.status, 200u) << audio.body.substr(0, 200);
  EXPECT_EQ(audio.header("content-type"), "audio/wav");
  ASSERT_GT(audio.body.size(), 44u + 8000);  // more than half a second of speech
  EXPECT_EQ(audio.body.substr(0, 4), "RIFF");
  EXPECT_EQ(audio.body.substr(8, 4), "WAVE");

  auto preview = post("/api/v1/ivr/speech-preview", {{"text", "十二月十二日"}}, admin);
  ASSERT_EQ(preview.status, 200u) << preview.body.substr(0, 200);
  EXPECT_EQ(preview.body.substr(0, 4), "RIFF");

  EXPECT_EQ(post("/api/v1/ivr/speech-preview", {{"text", "   "}}, admin).status, 400u);
  EXPECT_EQ(post("/api/v1/ivr/speech-preview", {{"text", std::string(501, 'a')}}, admin).status,
            400u);
  EXPECT_EQ(post("/api/v1/ivr/speech-preview", {{"text", "好"}}, login("supervisor1")).status,
            403u);
  EXPECT_EQ(
      post("/api/v1/ivr/prompts", {{"name", "empty"}, {"kind", "tts"}, {"text", ""}}, admin).status,
      400u);
  EXPECT_EQ(
      post("/api/v1/ivr/prompts", {{"name", "x"}, {"kind", "audio"}, {"text", "a"}}, admin).status,
      400u);
  auto renamed = put("/api/v1/ivr/prompts/" + id_of(created.json()),
                     {{"name", "greeting"}, {"text", "您好。"}}, admin);
  ASSERT_EQ(renamed.status, 200u) << renamed.body;
  EXPECT_EQ(renamed.json()["name"], "greeting");
  EXPECT_EQ(renamed.json()["text"], "您好。");
}

// ---- data sources ---------------------------------------------------------------------------

TEST_P(IvrApi, TableSourceImportMasksAndAnswersTestQueries) {
  const auto admin = login("admin");
  auto created =
      post("/api/v1/ivr/data-sources",
           {{"name", "transfer_progress"}, {"kind", "table"}, {"config", json::object()}}, admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(created.json()["records"], 0);
  const auto target = "/api/v1/ivr/data-sources/" + id_of(created.json());

  const auto first = valid_id("11010519491231002");
  const auto second = valid_id("44030619900101123");
  const std::string good =
      "\xEF\xBB\xBF"
      "id_number,status,expected_date\r\n" +
      first + ",正在制作中,2026-12-12\r\n" + second + ",\"已制作完成,可领取\",2026-12-01\r\n";
  auto imported = post_raw(target + "/import", good, "text/csv", admin);
  ASSERT_EQ(imported.status, 200u) << imported.body;
  EXPECT_EQ(imported.json()["imported"], 2);
  EXPECT_EQ(imported.json()["records"], 2);

  // A wrong check digit or a short row: the line is named, the number is not, nothing changes.
  const auto wrong = bad_check_id("32010219851120456");
  const std::string bad = "id_number,status,expected_date\n" + valid_id("32010219851120457") +
                          ",已受理,2026-12-20\n" + wrong + ",已受理,2026-12-20\n" +
                          valid_id("11010519491231003") + ",已受理\n";
  auto refused = post_raw(target + "/import?replace=true", bad, "text/csv", admin);
  ASSERT_EQ(refused.status, 422u) << refused.body;
  const auto lines = refused.json()["error"]["lines"];
  ASSERT_EQ(lines.size(), 2u) << refused.body;
  EXPECT_EQ(lines[0]["line"], 3);
  EXPECT_EQ(lines[1]["line"], 4);
  EXPECT_EQ(refused.body.find(wrong.substr(0, 17)), std::string::npos);
  EXPECT_EQ(get(target, admin).json()["records"], 2);

  EXPECT_EQ(
      post_raw(target + "/import", "status,id_number\nx," + first + "\n", "text/csv", admin).status,
      422u);
  EXPECT_EQ(post_raw(target + "/import", "", "text/csv", admin).status, 422u);
  EXPECT_EQ(post_raw(target + "/import", "id_number,status\n\"" + first + ",x\n", "text/csv", admin)
                .status,
            422u);
  EXPECT_EQ(
      post_raw(target + "/import", std::string("\xFF\xFE", 2) + "i\0d\0", "text/csv", admin).status,
      422u);
  EXPECT_EQ(get(target, admin).json()["records"], 2);

  // Records show the number masked, never in clear.
  const auto records = get(target + "/records", login("supervisor1"));
  ASSERT_EQ(records.status, 200u) << records.body;
  ASSERT_EQ(records.json()["total"], 2);
  EXPECT_EQ(records.json()["items"][0]["id_number"], mask_id_number(first));
  EXPECT_EQ(records.json()["items"][0]["fields"]["status"], "正在制作中");
  EXPECT_EQ(records.json()["items"][1]["fields"]["status"], "已制作完成,可领取");
  EXPECT_EQ(records.body.find(first), std::string::npos);
  EXPECT_EQ(records.body.find(second), std::string::npos);

  // The test query runs through the same table source the IVR uses.
  auto found = post(target + "/test", {{"params", {{"id_number", second}}}}, admin);
  ASSERT_EQ(found.status, 200u) << found.body;
  EXPECT_EQ(found.json()["outcome"], "found");
  EXPECT_EQ(found.json()["fields"]["expected_date"], "2026-12-01");
  auto missing =
      post(target + "/test", {{"params", {{"id_number", valid_id("11010519491231004")}}}}, admin);
  EXPECT_EQ(missing.json()["outcome"], "not_found") << missing.body;
  EXPECT_EQ(post(target + "/test", {{"params", {{"id_number", 5}}}}, admin).status, 400u);
  EXPECT_EQ(
      post(target + "/test", {{"params", {{"id_number", second}}}}, login("supervisor1")).status,
      403u);

  // Replace keeps exactly the file's rows.
  auto replaced = post_raw(target + "/import?replace=true",
                           "id_number,status,expected_date\n" + first + ",已寄出,2026-12-30\n",
                           "text/csv", admin);
  ASSERT_EQ(replaced.status, 200u) << replaced.body;
  EXPECT_EQ(replaced.json()["records"], 1);

  // The audit trail has counts, never the numbers.
  const auto audit = get("/api/v1/audit?action=ivr_data_source.*", admin);
  EXPECT_EQ(audit.body.find(first), std::string::npos);
  EXPECT_EQ(audit.body.find(second), std::string::npos);
  EXPECT_GE(audit.json()["total"].get<int>(), 4);
}

TEST_P(IvrApi, HttpSourceConfigIsCheckedAndKeysHidden) {
  const auto admin = login("admin");
  const json config = {{"url", "http://127.0.0.1:9/cards/{id_number}"},
                       {"headers", {{"X-Api-Key", "s3cret-key"}}},
                       {"timeout_ms", 500},
                       {"fields", {{"status", "/data/status"}}}};
  auto created = post("/api/v1/ivr/data-sources",
                      {{"name", "cards"}, {"kind", "http"}, {"config", config}}, admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_TRUE(created.json()["records"].is_null());
  EXPECT_EQ(created.json()["config"]["headers"]["X-Api-Key"], "s3cret-key");
  const auto target = "/api/v1/ivr/data-sources/" + id_of(created.json());
  const auto seen = get(target, login("supervisor1"));
  ASSERT_EQ(seen.status, 200u);
  EXPECT_EQ(seen.body.find("s3cret-key"), std::string::npos);

  // Nothing listens on port 9: the test query reports an error, not a hang or a 500.
  auto tried =
      post(target + "/test", {{"params", {{"id_number", valid_id("11010519491231002")}}}}, admin);
  ASSERT_EQ(tried.status, 200u) << tried.body;
  EXPECT_EQ(tried.json()["outcome"], "error");
  EXPECT_FALSE(tried.json()["error_code"].get<std::string>().empty());

  auto bad = post("/api/v1/ivr/data-sources",
                  {{"name", "broken"}, {"kind", "http"}, {"config", {{"url", "ftp://x"}}}}, admin);
  EXPECT_EQ(bad.status, 422u) << bad.body;
  EXPECT_EQ(bad.json()["error"]["code"], "invalid_config");
  EXPECT_EQ(post("/api/v1/ivr/data-sources", {{"name", "k"}, {"kind", "ldap"}}, admin).status,
            400u);
  EXPECT_EQ(post_raw(target + "/import", "id_number,status\n", "text/csv", admin).status, 422u);
  EXPECT_EQ(del(target, admin).status, 204u);
}

// ---- call records ---------------------------------------------------------------------------

TEST_P(IvrApi, CallDetailCarriesTheIvrPartButNeverTheSealedId) {
  const auto admin = login("admin");
  store::CallRecord call;
  call.uuid = "ivr-call-1";
  call.direction = "inbound";
  call.caller = "13800138000";
  call.callee = "84038437";
  call.did = "84038437";
  call.offered_at = now_ms() - 60'000;
  call.ended_at = now_ms();
  call.disposition = "answered";
  auto id = store::CallRepository(*db_).create(call);
  ASSERT_TRUE(id.ok()) << id.error().message;
  store::CallIvr ivr;
  ivr.call_id = *id;
  ivr.flow = "main";
  ivr.flow_version = 1;
  ivr.path = R"([{"node":"welcome"},{"node":"main_menu","digits":"3"}])";
  ivr.outcome = "self_served";
  ivr.self_served = true;
  ivr.id_sealed = "v1:sealed-number-stand-in";
  ASSERT_TRUE(store::CallIvrRepository(*db_).upsert(ivr).ok());

  const auto detail = get("/api/v1/calls/" + std::to_string(*id), admin);
  ASSERT_EQ(detail.status, 200u) << detail.body;
  const auto part = detail.json()["ivr"];
  EXPECT_EQ(part["flow"], "main");
  EXPECT_EQ(part["flow_version"], 1);
  EXPECT_EQ(part["outcome"], "self_served");
  EXPECT_TRUE(part["self_served"].get<bool>());
  EXPECT_EQ(part["path"][1]["node"], "main_menu");
  EXPECT_EQ(detail.body.find("sealed"), std::string::npos);

  call.uuid = "plain-call";
  auto plain = store::CallRepository(*db_).create(call);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(get("/api/v1/calls/" + std::to_string(*plain), admin).json()["ivr"].is_null());
}

// ---- helpers of the API itself --------------------------------------------------------------

TEST(IvrApiHelpers, WavBytesHaveTheRightHeader) {
  const std::vector<std::int16_t> samples = {0, 1000, -1000, 32767};
  const auto bytes = api::wav_bytes(samples, 8000);
  ASSERT_EQ(bytes.size(), 44u + 8u);
  EXPECT_EQ(bytes.substr(0, 4), "RIFF");
  EXPECT_EQ(bytes.substr(36, 4), "data");
  EXPECT_EQ(static_cast<unsigned char>(bytes[40]), 8u);  // data length
  EXPECT_EQ(static_cast<unsigned char>(bytes[46]), 1000 & 0xff);
  EXPECT_EQ(static_cast<unsigned char>(bytes[50]), 0xff);  // 32767 little-endian
  EXPECT_EQ(static_cast<unsigned char>(bytes[51]), 0x7f);
}

TEST(IvrApiHelpers, CsvTableReportsEveryBadLine) {
  const auto table = api::parse_csv_table(
      "\xEF\xBB\xBF"
      "a,b\r\n1,\"x,\"\"y\"\"\"\r\n\r\n2\r\n\"open,3\r\n4,5\n");
  EXPECT_EQ(table.header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0].fields[1], "x,\"y\"");
  EXPECT_EQ(table.rows[1].line, 6);
  ASSERT_EQ(table.errors.size(), 2u);
  EXPECT_EQ(table.errors[0].line, 4);
  EXPECT_EQ(table.errors[1].line, 5);
  EXPECT_FALSE(api::parse_csv_table("a\n\xC3\x28\n").ok());
}

HOTLINE_INSTANTIATE_API_TEST(IvrApi);

}  // namespace
}  // namespace hotline::test
