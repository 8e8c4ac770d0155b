// Call records and recordings through the real daemon: masking by permission, filters, call
// detail, and the audio with byte ranges. Records are written with the repositories, as the
// call module does.
#include <filesystem>
#include <fstream>

#include "api_test_fixture.hpp"
#include "store/call_repository.hpp"
#include "store/database.hpp"
#include "store/recording_repository.hpp"

namespace hotline::test {
namespace {

class CallsApi : public ApiTest {
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

  // An answered inbound call from `caller` to the demo number, answered by `extension`.
  store::Id add_call(const std::string& uuid, const std::string& caller,
                     const std::string& extension, EpochMs offered_at,
                     const std::string& disposition = "answered") {
    store::CallRecord call;
    call.uuid = uuid;
    call.direction = "inbound";
    call.caller = caller;
    call.callee = "84038437";
    call.did = "84038437";
    call.trunk_name = "demo-carrier";
    call.route = "did:84038437 -> extension:" + extension;
    call.offered_at = offered_at;
    call.ringing_at = offered_at + 500;
    if (disposition == "answered") {
      call.answered_by = extension;
      call.answered_at = offered_at + 3000;
      call.ended_at = offered_at + 63'000;
      call.hangup_side = "caller";
      call.caller_loss_percent = 0.5;
      call.callee_jitter_ms = 2.5;
    } else {
      call.ended_at = offered_at + 30'000;
    }
    call.disposition = disposition;
    store::CallLegRecord caller_leg;
    caller_leg.role = "caller";
    caller_leg.party = caller;
    caller_leg.kind = "trunk";
    caller_leg.contact = "127.0.0.2:5060";
    caller_leg.sip_call_id = uuid + "@127.0.0.2";
    caller_leg.started_at = offered_at;
    caller_leg.final_status = 200;
    store::CallLegRecord callee_leg;
    callee_leg.role = "callee";
    callee_leg.party = extension;
    callee_leg.kind = "extension";
    callee_leg.started_at = offered_at + 100;
    call.legs = {caller_leg, callee_leg};
    auto id = store::CallRepository(*db_).create(call);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }

  store::Id add_recording(store::Id call_id, const std::string& relative_path,
                          const std::string& content, EpochMs started_at) {
    if (!content.empty()) {
      const auto path = std::filesystem::path(daemon_->data_dir()) / relative_path;
      std::filesystem::create_directories(path.parent_path());
      std::ofstream(path, std::ios::binary) << content;
    }
    store::Recording r;
    r.call_id = call_id;
    r.path = relative_path;
    r.format = "wav";
    r.mime_type = "audio/wav";
    r.started_at = started_at;
    r.duration_ms = 60'000;
    r.bytes = static_cast<std::int64_t>(content.size());
    r.sha256 = std::string(64, '0');
    auto id = store::RecordingRepository(*db_).create(r);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }

  HttpResponse get_range(const std::string& target, const std::string& token,
                         const std::string& range) {
    auto headers = bearer(token);
    headers["Range"] = range;
    return client().get(target, headers);
  }

  static constexpr EpochMs kDay = 1'795'392'000'000;  // 2026-11-23T00:00:00Z
  std::unique_ptr<store::Database> db_;
};

TEST_P(CallsApi, NumbersAreMaskedWithoutCallsNumbers) {
  const auto id = add_call("call-1", "13800138000", "1001", kDay + 1000);
  add_call("call-2", "13912345678", "1002", kDay + 2000, "no_answer");

  const auto supervisor = login("supervisor1");
  auto full = get("/api/v1/calls", supervisor).json();
  ASSERT_EQ(full["total"], 2);
  EXPECT_EQ(full["page"], 1);
  EXPECT_EQ(full["page_size"], 20);
  const auto& newest = full["items"][0];
  EXPECT_EQ(newest["uuid"], "call-2") << "newest first";
  EXPECT_EQ(newest["caller"], "13912345678");
  EXPECT_EQ(newest["callee"], "84038437");
  EXPECT_FALSE(newest["numbers_masked"].get<bool>());
  EXPECT_TRUE(newest["talk_seconds"].is_null());
  EXPECT_TRUE(newest["answered_at"].is_null());

  const auto leader = login("leader1");
  auto masked = get("/api/v1/calls", leader).json();
  ASSERT_EQ(masked["total"], 2);
  const auto& answered = masked["items"][1];
  EXPECT_EQ(answered["id"], id);
  EXPECT_EQ(answered["caller"], "138****8000");
  EXPECT_EQ(answered["callee"], "84****37");
  EXPECT_EQ(answered["did"], "84****37");
  EXPECT_EQ(answered["route"], "did:84****37 -> extension:1001");
  EXPECT_EQ(answered["answered_by"], "1001");
  EXPECT_TRUE(answered["numbers_masked"].get<bool>());
  EXPECT_EQ(answered["talk_seconds"], 60);
  EXPECT_EQ(answered["disposition"], "answered");
  EXPECT_EQ(answered["offered_at"], "2026-11-23T00:00:01Z");
  EXPECT_DOUBLE_EQ(answered["quality"]["caller_loss_percent"].get<double>(), 0.5);
  EXPECT_TRUE(answered["quality"]["callee_loss_percent"].is_null());
  EXPECT_EQ(masked.dump().find("13800138000"), std::string::npos);

  // The number filter works on the real numbers, the answer stays masked.
  auto filtered = get("/api/v1/calls?number=13800138000", leader).json();
  ASSERT_EQ(filtered["total"], 1);
  EXPECT_EQ(filtered["items"][0]["caller"], "138****8000");
  EXPECT_EQ(get("/api/v1/calls?number=99999", leader).json()["total"], 0);

  EXPECT_EQ(get("/api/v1/calls", login("auditor1")).status, 200u);
  EXPECT_EQ(get("/api/v1/calls", login("agent1")).status, 403u);
  EXPECT_EQ(get("/api/v1/calls/" + std::to_string(id), login("agent1")).status, 403u);
}

TEST_P(CallsApi, FiltersAndPaging) {
  for (int i = 0; i < 5; ++i)
    add_call("a" + std::to_string(i), "1380013800" + std::to_string(i), "1001",
             kDay + i * 3'600'000);
  add_call("b", "13912345678", "1002", kDay + 86'400'000, "busy");
  const auto admin = login("admin");
  auto total = [&](const std::string& query) {
    auto response = get("/api/v1/calls" + query, admin);
    EXPECT_EQ(response.status, 200u) << query << " " << response.body;
    return response.json()["total"].get<int>();
  };
  EXPECT_EQ(total(""), 6);
  EXPECT_EQ(total("?from=2026-11-23T01:00:00Z&to=2026-11-23T03:00:00Z"), 2);
  EXPECT_EQ(total("?from=2026-11-24"), 1);
  EXPECT_EQ(total("?extension=1002"), 1);
  EXPECT_EQ(total("?disposition=busy"), 1);
  EXPECT_EQ(total("?disposition=answered&extension=1001"), 5);
  EXPECT_EQ(total("?direction=inbound"), 6);
  EXPECT_EQ(total("?direction=outbound"), 0);
  EXPECT_EQ(total("?number=84038437"), 6);

  auto page = get("/api/v1/calls?page=2&page_size=4", admin).json();
  EXPECT_EQ(page["total"], 6);
  EXPECT_EQ(page["page"], 2);
  EXPECT_EQ(page["page_size"], 4);
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["items"][1]["uuid"], "a0");

  EXPECT_EQ(get("/api/v1/calls?page_size=101", admin).status, 400u);
  EXPECT_EQ(get("/api/v1/calls?from=yesterday", admin).status, 400u);
  EXPECT_EQ(get("/api/v1/calls?direction=sideways", admin).status, 400u);
  EXPECT_EQ(get("/api/v1/calls?number=138%25", admin).status, 400u);
}

TEST_P(CallsApi, CallDetailWithLegsAndEvents) {
  const auto id = add_call("detail", "13800138000", "1001", kDay);
  store::CallRepository calls(*db_);
  ASSERT_TRUE(calls
                  .append_event({0, id, kDay, "offered",
                                 R"({"caller":"13800138000","did":"84038437","trunk":"demo"})"})
                  .ok());
  ASSERT_TRUE(calls.append_event({0, id, kDay + 3000, "answered", R"({"party":"1001"})"}).ok());
  ASSERT_TRUE(calls.append_event({0, id, kDay + 63'000, "ended", "not json"}).ok());

  const auto path = "/api/v1/calls/" + std::to_string(id);
  auto full = get(path, login("supervisor1"));
  ASSERT_EQ(full.status, 200u) << full.body;
  auto call = full.json();
  ASSERT_EQ(call["legs"].size(), 2u);
  EXPECT_EQ(call["legs"][0]["party"], "13800138000");
  EXPECT_EQ(call["legs"][0]["final_status"], 200);
  EXPECT_EQ(call["legs"][0]["started_at"], "2026-11-23T00:00:00Z");
  EXPECT_TRUE(call["legs"][1]["final_status"].is_null());
  ASSERT_EQ(call["events"].size(), 3u);
  EXPECT_EQ(call["events"][0]["type"], "offered");
  EXPECT_EQ(call["events"][0]["detail"]["caller"], "13800138000");
  EXPECT_EQ(call["events"][2]["detail"], nlohmann::json::object());

  auto masked = get(path, login("leader1")).json();
  EXPECT_EQ(masked["legs"][0]["party"], "138****8000");
  EXPECT_EQ(masked["legs"][1]["party"], "1001");
  EXPECT_EQ(masked["events"][0]["detail"]["caller"], "138****8000");
  EXPECT_EQ(masked["events"][0]["detail"]["did"], "84****37");
  EXPECT_EQ(masked["events"][0]["detail"]["trunk"], "demo");
  EXPECT_EQ(masked.dump().find("13800138000"), std::string::npos);

  EXPECT_EQ(get("/api/v1/calls/987654", login("admin")).status, 404u);
}

TEST_P(CallsApi, RecordingsListAndRanges) {
  const auto call_id = add_call("rec", "13800138000", "1001", kDay);
  std::string audio;
  for (int i = 0; i < 1000; ++i) audio += static_cast<char>(i % 251);
  const auto id = add_recording(call_id, "recordings/2026/11/23/rec.wav", audio, kDay + 3000);
  const auto missing = add_recording(call_id, "recordings/2026/11/23/gone.wav", "", kDay + 4000);
  const auto escaping = add_recording(call_id, "../outside.wav", "", kDay + 5000);

  const auto leader = login("leader1");
  auto list = get("/api/v1/recordings", leader);
  ASSERT_EQ(list.status, 200u) << list.body;
  const auto items = list.json()["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[2]["id"], id);
  EXPECT_EQ(items[2]["call_uuid"], "rec");
  EXPECT_EQ(items[2]["caller"], "138****8000");
  EXPECT_EQ(items[2]["bytes"], 1000);
  EXPECT_EQ(items[2]["mime_type"], "audio/wav");
  EXPECT_EQ(items[2].count("path"), 0u) << "server paths stay on the server";
  EXPECT_EQ(get("/api/v1/recordings", login("supervisor1")).json()["items"][0]["caller"],
            "13800138000");
  EXPECT_EQ(get("/api/v1/recordings?number=13800138000&extension=1001", leader).json()["total"], 3);
  EXPECT_EQ(get("/api/v1/recordings?extension=1002", leader).json()["total"], 0);
  EXPECT_EQ(get("/api/v1/recordings?from=2026-11-23T00:00:04Z", leader).json()["total"], 2);

  const auto target = "/api/v1/recordings/" + std::to_string(id) + "/audio";
  auto whole = get(target, leader);
  ASSERT_EQ(whole.status, 200u) << whole.body;
  EXPECT_EQ(whole.body, audio);
  EXPECT_EQ(whole.header("Content-Type"), "audio/wav");
  EXPECT_EQ(whole.header("Accept-Ranges"), "bytes");

  auto head = get_range(target, leader, "bytes=0-99");
  ASSERT_EQ(head.status, 206u);
  EXPECT_EQ(head.body, audio.substr(0, 100));
  EXPECT_EQ(head.header("Content-Range"), "bytes 0-99/1000");
  auto middle = get_range(target, leader, "bytes=990-");
  ASSERT_EQ(middle.status, 206u);
  EXPECT_EQ(middle.body, audio.substr(990));
  auto suffix = get_range(target, leader, "bytes=-10");
  ASSERT_EQ(suffix.status, 206u);
  EXPECT_EQ(suffix.body, audio.substr(990));
  EXPECT_EQ(suffix.header("Content-Range"), "bytes 990-999/1000");
  auto clipped = get_range(target, leader, "bytes=900-5000");
  ASSERT_EQ(clipped.status, 206u);
  EXPECT_EQ(clipped.header("Content-Range"), "bytes 900-999/1000");
  auto beyond = get_range(target, leader, "bytes=1000-");
  EXPECT_EQ(beyond.status, 416u);
  EXPECT_EQ(beyond.header("Content-Range"), "bytes */1000");
  EXPECT_EQ(get_range(target, leader, "bytes=-0").status, 416u);
  EXPECT_EQ(get_range(target, leader, "bytes=0-1,5-6").status, 200u) << "several: whole file";

  EXPECT_EQ(get("/api/v1/recordings/" + std::to_string(missing) + "/audio", leader).status, 404u);
  EXPECT_EQ(get("/api/v1/recordings/" + std::to_string(escaping) + "/audio", leader).status, 404u);
  EXPECT_EQ(get("/api/v1/recordings/987654/audio", leader).status, 404u);

  const auto agent = login("agent1");
  EXPECT_EQ(get("/api/v1/recordings", agent).status, 403u);
  EXPECT_EQ(get(target, agent).status, 403u);
  EXPECT_EQ(get(target, login("auditor1")).status, 403u);

  // Each delivered audio response is audited, with the range asked for.
  const auto audit = get("/api/v1/audit?action=recording.play", login("admin")).json();
  EXPECT_EQ(audit["total"], 6);
  EXPECT_EQ(audit["items"][0]["actor_username"], "leader1");
  EXPECT_EQ(audit["items"][0]["target_id"], std::to_string(id));
  bool saw_range = false;
  for (const auto& entry : audit["items"])
    if (entry["detail"].value("range", "") == "bytes=0-99") saw_range = true;
  EXPECT_TRUE(saw_range);
}

INSTANTIATE_TEST_SUITE_P(Dialects, CallsApi, ::testing::Values("sqlite", "postgresql"),
                         ::hotline::test::dialect_name);

}  // namespace
}  // namespace hotline::test
