// The call-record writer batches what queued up into transactions; a batch the database
// refuses is written again item by item, so only the refused item is lost. On SQLite and
// PostgreSQL (PostgreSQL aborts the whole transaction on the first error).
#include <gtest/gtest.h>

#include <memory>

#include "call/call_record_writer.hpp"
#include "scratch_database.hpp"
#include "store/call_repository.hpp"
#include "store/migrations.hpp"
#include "store/recording_repository.hpp"

namespace hotline::call {
namespace {

class CallRecordWriterTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    scratch_ = std::make_unique<test::ScratchDatabase>(GetParam());
    auto opened = store::Database::open(scratch_->url(), 2);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(*opened);
    auto migrated = store::migrate(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  }

  static store::CallRecord record(const std::string& uuid) {
    store::CallRecord r;
    r.uuid = uuid;
    r.direction = "inbound";
    r.caller = "13800138000";
    r.callee = "84038437";
    r.did = "84038437";
    r.offered_at = 1'700'000'000'000;
    return r;
  }

  std::optional<store::CallRecord> find(const std::string& uuid) {
    auto found = store::CallRepository(*db_).find_by_uuid(uuid);
    EXPECT_TRUE(found.ok());
    return found.ok() ? *found : std::nullopt;
  }

  std::unique_ptr<test::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
};

TEST_P(CallRecordWriterTest, WritesManyCallsWithEventsAndRecordingsInOrder) {
  CallRecordWriter writer(*db_);
  constexpr int kCalls = 1200;  // more than one batch
  for (int i = 0; i < kCalls; ++i) {
    const auto uuid = "call-" + std::to_string(i);
    writer.create(record(uuid));
    writer.event(uuid, 1'700'000'000'000 + i, "offered", "{}");
    writer.event(uuid, 1'700'000'000'001 + i, "ended", "{}");
    auto done = record(uuid);
    done.disposition = "answered";
    done.ended_at = 1'700'000'001'000;
    writer.update(done);
    if (i % 100 == 0) {
      store::Recording rec;
      rec.path = "recordings/" + uuid + ".mp3";
      rec.format = "mp3";
      rec.mime_type = "audio/mpeg";
      rec.started_at = 1'700'000'000'500;
      rec.duration_ms = 500;
      rec.bytes = 1000;
      rec.sha256 = std::string(64, 'a');
      writer.attach_recording(done, rec);
    }
    writer.forget(uuid);
  }
  writer.flush();

  auto page = store::CallRepository(*db_).query({}, {1, 1});
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->total, kCalls);
  const auto last = find("call-1100");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->disposition, "answered");
  ASSERT_TRUE(last->recording_id);
  auto events = store::CallRepository(*db_).events(last->id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].type, "offered");
  EXPECT_EQ((*events)[1].type, "ended");
  EXPECT_FALSE(find("call-1101")->recording_id);
}

TEST_P(CallRecordWriterTest, ARefusedItemLosesOnlyItself) {
  CallRecordWriter writer(*db_);
  writer.create(record("first"));
  writer.create(record("first"));  // duplicate uuid: the database refuses it
  writer.create(record("second"));
  writer.event("second", 1'700'000'000'000, "offered", "{}");
  auto second = record("second");
  second.disposition = "abandoned";
  writer.update(second);
  writer.flush();

  const auto first = find("first");
  ASSERT_TRUE(first);
  const auto written = find("second");
  ASSERT_TRUE(written);
  EXPECT_EQ(written->disposition, "abandoned");
  auto events = store::CallRepository(*db_).events(written->id);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 1u);
  auto page = store::CallRepository(*db_).query({}, {1, 10});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 2);
}

TEST_P(CallRecordWriterTest, EventsOfACallWhoseRecordWasNeverWrittenAreSkipped) {
  CallRecordWriter writer(*db_);
  writer.event("unknown", 1'700'000'000'000, "offered", "{}");
  writer.create(record("known"));
  writer.event("known", 1'700'000'000'000, "offered", "{}");
  writer.flush();
  const auto known = find("known");
  ASSERT_TRUE(known);
  auto events = store::CallRepository(*db_).events(known->id);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 1u);
}

TEST_P(CallRecordWriterTest, TasksRunWithTheCallsRowIdAfterItsEarlierWrites) {
  CallRecordWriter writer(*db_);
  std::optional<store::Id> seen;
  std::string disposition_seen;
  writer.create(record("tasked"));
  auto ended = record("tasked");
  ended.disposition = "answered";
  writer.update(ended);
  writer.run_for_call("tasked", [&](store::Database& db, store::Id id) -> Status {
    seen = id;
    auto found = store::CallRepository(db).find(id);
    if (!found) return found.error();
    disposition_seen = (*found)->disposition;
    return ok_status();
  });
  bool ran_for_unknown = false;
  writer.run_for_call("never-written", [&](store::Database&, store::Id) -> Status {
    ran_for_unknown = true;
    return ok_status();
  });
  writer.flush();
  const auto call = find("tasked");
  ASSERT_TRUE(call && seen);
  EXPECT_EQ(*seen, call->id);
  EXPECT_EQ(disposition_seen, "answered");
  EXPECT_FALSE(ran_for_unknown);
}

INSTANTIATE_TEST_SUITE_P(Dialects, CallRecordWriterTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hotline::call
