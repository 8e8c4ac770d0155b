// The IVR repositories (migration 4) behave the same on SQLite and PostgreSQL.
#include <soci/soci.h>

#include <algorithm>
#include <thread>

#include "store/calendar_repository.hpp"
#include "store/call_ivr_repository.hpp"
#include "store/call_repository.hpp"
#include "store/data_source_repository.hpp"
#include "store/inbound_route_repository.hpp"
#include "store/ivr_flow_repository.hpp"
#include "store/prompt_repository.hpp"
#include "store/self_service_repository.hpp"
#include "store/survey_repository.hpp"
#include "store/user_repository.hpp"
#include "store/voice_message_repository.hpp"
#include "store_test_fixture.hpp"

namespace hotline::store {
namespace {

const std::string kGraphV1 = R"({"start":"welcome","nodes":[{"id":"welcome","type":"hangup"}]})";
const std::string kGraphV2 = R"({"start":"menu","nodes":[{"id":"menu","type":"menu"}]})";

class IvrRepositoriesTest : public StoreTest {
 protected:
  IvrFlowRepository flows() { return IvrFlowRepository(*db_); }
  SelfServiceRepository records() { return SelfServiceRepository(*db_); }
  VoiceMessageRepository messages() { return VoiceMessageRepository(*db_); }
  SurveyRepository surveys() { return SurveyRepository(*db_); }

  Id add_user(const std::string& username) {
    NewUser user;
    user.username = username;
    user.display_name = username;
    user.password_hash = "not-a-real-hash";
    auto created = UserRepository(*db_).create(user);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? created->id : 0;
  }
  Id add_call(const std::string& uuid) {
    CallRecord call;
    call.uuid = uuid;
    call.direction = "inbound";
    call.caller = "13800138000";
    call.callee = "84038437";
    call.did = "84038437";
    call.offered_at = 1'700'000'000'000;
    auto id = CallRepository(*db_).create(call);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }
  Id add_flow(const std::string& name) {
    IvrFlow flow;
    flow.name = name;
    auto id = flows().create(flow);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }
  Id add_source(const std::string& name, const std::string& kind = "table") {
    DataSource source;
    source.name = name;
    source.kind = kind;
    auto id = DataSourceRepository(*db_).create(source);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }
  static SelfServiceRecord row(const std::string& key, const std::string& status) {
    SelfServiceRecord r;
    r.lookup_key = key;
    r.id_sealed = "v1:sealed-" + key;
    r.fields = R"({"status":")" + status + R"(","expected_date":"2026-12-12"})";
    return r;
  }
  VoiceMessage message(Id call_id, EpochMs at) {
    VoiceMessage m;
    m.call_id = call_id;
    m.caller = "13800138000";
    m.flow = "main";
    m.file = "messages/" + std::to_string(at) + ".wav";
    m.duration_ms = 12'000;
    m.created_at = at;
    return m;
  }
  SurveyRating rating(Id call_id, std::optional<Id> agent, const std::string& extension,
                      const std::string& value, EpochMs at) {
    SurveyRating r;
    r.call_id = call_id;
    r.agent_user_id = agent;
    r.agent_extension = extension;
    r.rating = value;
    r.created_at = at;
    return r;
  }
  long long raw_count(const std::string& query) {
    soci::session sql(db_->pool());
    long long value = 0;
    sql << query, soci::into(value);
    return value;
  }
};

TEST_P(IvrRepositoriesTest, FlowCrudAndDuplicateName) {
  const Id editor = add_user("designer");
  IvrFlow flow;
  flow.name = "main";
  flow.description = "the bureau's flow";
  flow.draft = kGraphV1;
  flow.draft_updated_by = editor;
  auto id = flows().create(flow);
  ASSERT_TRUE(id.ok()) << id.error().message;

  auto found = flows().find_by_name("main");
  ASSERT_TRUE(found.ok() && *found) << (found.ok() ? "missing" : found.error().message);
  EXPECT_EQ((*found)->id, *id);
  EXPECT_EQ((*found)->description, "the bureau's flow");
  EXPECT_EQ((*found)->draft, kGraphV1);
  EXPECT_EQ((*found)->draft_updated_by, editor);
  EXPECT_FALSE((*found)->published_version);
  EXPECT_GT((*found)->draft_updated_at, 0);

  auto duplicate = flows().create(flow);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, "conflict");
  flow.name = "other";
  flow.draft = "{not json";
  EXPECT_EQ(flows().create(flow).error().code, "invalid");
  flow.name = "";
  flow.draft = "{}";
  EXPECT_EQ(flows().create(flow).error().code, "invalid");

  ASSERT_TRUE(flows().save_draft(*id, kGraphV2, std::nullopt).ok());
  ASSERT_TRUE(flows().update_details(*id, "main-renamed", "renamed").ok());
  auto reread = flows().find(*id);
  ASSERT_TRUE(reread.ok() && *reread);
  EXPECT_EQ((*reread)->name, "main-renamed");
  EXPECT_EQ((*reread)->description, "renamed");
  EXPECT_EQ((*reread)->draft, kGraphV2);
  EXPECT_FALSE((*reread)->draft_updated_by);

  add_flow("after-hours");
  auto listed = flows().list();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "after-hours");
  EXPECT_EQ(flows().update_details(*id, "after-hours", "").error().code, "conflict");
  EXPECT_EQ(flows().update_details(987654, "x", "").error().code, "not_found");
  EXPECT_EQ(flows().save_draft(987654, "{}", std::nullopt).error().code, "not_found");

  ASSERT_TRUE(flows().remove(*id).ok());
  EXPECT_FALSE(*flows().find(*id));
  EXPECT_EQ(flows().remove(*id).error().code, "not_found");
}

TEST_P(IvrRepositoriesTest, FlowUsedByInboundRouteCannotBeRemoved) {
  const Id flow_id = add_flow("main");
  InboundRoute route;
  route.number = "84038437";
  route.destination_type = "ivr";
  route.destination = "main";
  auto route_id = InboundRouteRepository(*db_).create(route);
  ASSERT_TRUE(route_id.ok()) << route_id.error().message;

  auto refused = flows().remove(flow_id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "conflict");
  EXPECT_TRUE(*flows().find(flow_id));
  // Renaming would cut the number off too; a new description is fine.
  EXPECT_EQ(flows().update_details(flow_id, "renamed", "").error().code, "conflict");
  ASSERT_TRUE(flows().update_details(flow_id, "main", "the demo number's flow").ok());
  EXPECT_EQ((*flows().find_by_name("main"))->description, "the demo number's flow");

  ASSERT_TRUE(InboundRouteRepository(*db_).remove(*route_id).ok());
  EXPECT_TRUE(flows().remove(flow_id).ok());
}

TEST_P(IvrRepositoriesTest, PublishingTwiceKeepsTheOldVersion) {
  const Id publisher = add_user("publisher");
  const Id flow_id = add_flow("main");
  auto none = flows().published("main");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);

  auto first = flows().publish(flow_id, kGraphV1, publisher, "first cut");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->version, 1);
  EXPECT_EQ(first->flow_name, "main");
  auto second = flows().publish(flow_id, kGraphV2, std::nullopt, "");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->version, 2);

  auto current = flows().published("main");
  ASSERT_TRUE(current.ok() && *current);
  EXPECT_EQ((*current)->version, 2);
  EXPECT_EQ((*current)->graph, kGraphV2);
  EXPECT_EQ((*flows().find(flow_id))->published_version, 2);

  // A call that started on version 1 still reads it.
  auto old = flows().version("main", 1);
  ASSERT_TRUE(old.ok() && *old);
  EXPECT_EQ((*old)->graph, kGraphV1);
  EXPECT_EQ((*old)->published_by, publisher);
  EXPECT_EQ((*old)->note, "first cut");
  EXPECT_FALSE(*flows().version("main", 3));

  auto history = flows().versions(flow_id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].version, 2);
  EXPECT_EQ((*history)[1].version, 1);
  EXPECT_FALSE((*history)[1].graph.empty());

  EXPECT_EQ(flows().publish(flow_id, "{broken", std::nullopt, "").error().code, "invalid");
  EXPECT_EQ(flows().publish(987654, kGraphV1, std::nullopt, "").error().code, "not_found");
  EXPECT_EQ((*flows().find(flow_id))->published_version, 2);

  // Published versions are immutable in the database itself.
  soci::session sql(db_->pool());
  EXPECT_THROW(sql << "UPDATE ivr_flow_versions SET graph = '{}'", std::exception);
  EXPECT_EQ((*flows().version("main", 1))->graph, kGraphV1);

  // Versions go with their flow.
  ASSERT_TRUE(flows().remove(flow_id).ok());
  EXPECT_EQ(raw_count("SELECT COUNT(*) FROM ivr_flow_versions"), 0);
}

TEST_P(IvrRepositoriesTest, ConcurrentPublishesNumberVersionsOneAfterTheOther) {
  const Id flow_id = add_flow("main");
  constexpr int kPerThread = 5;
  std::vector<int> versions_a, versions_b;
  auto publish_some = [&](std::vector<int>& into) {
    IvrFlowRepository repository(*db_);
    for (int i = 0; i < kPerThread; ++i) {
      auto published = repository.publish(flow_id, kGraphV1, std::nullopt, "");
      if (published) into.push_back(published->version);
    }
  };
  std::thread a(publish_some, std::ref(versions_a));
  std::thread b(publish_some, std::ref(versions_b));
  a.join();
  b.join();
  std::vector<int> all = versions_a;
  all.insert(all.end(), versions_b.begin(), versions_b.end());
  std::sort(all.begin(), all.end());
  std::vector<int> expected(2 * kPerThread);
  for (int i = 0; i < 2 * kPerThread; ++i) expected[i] = i + 1;
  EXPECT_EQ(all, expected);
  EXPECT_EQ((*flows().find(flow_id))->published_version, 2 * kPerThread);
}

// Test-publish (migration 6): one test version per flow, replaced by the next, beside the
// published versions and never touching them; withdrawn, or removed with its flow.
TEST_P(IvrRepositoriesTest, TestVersionIsOnePerFlowAndLeavesPublishedVersionsAlone) {
  const Id tester = add_user("tester");
  const Id flow_id = add_flow("main");
  const Id other_id = add_flow("after-hours");
  ASSERT_TRUE(flows().publish(flow_id, kGraphV1, std::nullopt, "").ok());
  auto none = flows().test_version(flow_id);
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_FALSE(*none);
  EXPECT_TRUE(flows().test_versions()->empty());

  auto first = flows().test_publish(flow_id, kGraphV2, tester);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->flow_id, flow_id);
  EXPECT_EQ(first->flow_name, "main");
  EXPECT_EQ(first->published_by, tester);
  EXPECT_GT(first->published_at, 0);
  auto stored = flows().test_version(flow_id);
  ASSERT_TRUE(stored.ok() && *stored);
  EXPECT_EQ((*stored)->graph, kGraphV2);
  EXPECT_EQ((*stored)->flow_name, "main");
  EXPECT_EQ((*stored)->published_by, tester);
  EXPECT_EQ((*stored)->published_at, first->published_at);
  // What calls to the public number run is untouched.
  EXPECT_EQ((*flows().published("main"))->graph, kGraphV1);
  EXPECT_EQ((*flows().find(flow_id))->published_version, 1);
  EXPECT_EQ(flows().versions(flow_id)->size(), 1u);

  // The next test-publish replaces it: still one row for the flow.
  const std::string graph_v3 = R"({"start":"bye","nodes":{}})";
  auto second = flows().test_publish(flow_id, graph_v3, std::nullopt);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ((*flows().test_version(flow_id))->graph, graph_v3);
  EXPECT_FALSE((*flows().test_version(flow_id))->published_by);
  EXPECT_EQ(raw_count("SELECT COUNT(*) FROM ivr_flow_tests"), 1);

  ASSERT_TRUE(flows().test_publish(other_id, kGraphV1, tester).ok());
  auto all = flows().test_versions();
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].flow_name, "after-hours");  // by name
  EXPECT_EQ((*all)[1].flow_name, "main");
  EXPECT_EQ((*all)[1].graph, graph_v3);

  EXPECT_EQ(flows().test_publish(flow_id, "{broken", tester).error().code, "invalid");
  EXPECT_EQ(flows().test_publish(987654, kGraphV1, tester).error().code, "not_found");
  EXPECT_EQ((*flows().test_version(flow_id))->graph, graph_v3);

  // Withdrawn: gone; a second withdrawal finds nothing.
  auto withdrawn = flows().withdraw_test(flow_id);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.error().message;
  EXPECT_TRUE(*withdrawn);
  EXPECT_FALSE(*flows().test_version(flow_id));
  EXPECT_FALSE(*flows().withdraw_test(flow_id));
  EXPECT_EQ((*flows().published("main"))->graph, kGraphV1);

  // Removed with its flow.
  ASSERT_TRUE(flows().remove(other_id).ok());
  EXPECT_EQ(raw_count("SELECT COUNT(*) FROM ivr_flow_tests"), 0);
}

TEST_P(IvrRepositoriesTest, CalendarCrud) {
  CalendarRepository calendars(*db_);
  IvrCalendar calendar;
  calendar.name = "default";
  calendar.description = "open around the clock";
  calendar.definition = R"({"weekly":[],"exceptions":[]})";
  auto id = calendars.create(calendar);
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto found = calendars.find_by_name("default");
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->definition, calendar.definition);
  EXPECT_EQ((*found)->description, "open around the clock");

  EXPECT_EQ(calendars.create(calendar).error().code, "conflict");
  calendar.name = "array";
  calendar.definition = "[]";
  EXPECT_EQ(calendars.create(calendar).error().code, "invalid");

  auto changed = **found;
  changed.definition = R"({"weekly":[{"day":1}]})";
  ASSERT_TRUE(calendars.update(changed).ok());
  EXPECT_EQ((*calendars.find(*id))->definition, changed.definition);
  changed.id = 987654;
  EXPECT_EQ(calendars.update(changed).error().code, "not_found");
  EXPECT_EQ(calendars.list()->size(), 1u);
  ASSERT_TRUE(calendars.remove(*id).ok());
  EXPECT_FALSE(*calendars.find(*id));
  EXPECT_EQ(calendars.remove(*id).error().code, "not_found");
}

TEST_P(IvrRepositoriesTest, PromptCrudAndKinds) {
  PromptRepository prompts(*db_);
  const Id admin = add_user("admin1");
  Prompt welcome;
  welcome.name = "welcome";
  welcome.kind = "audio";
  welcome.file = "prompts/welcome.wav";
  welcome.duration_ms = 4'200;
  welcome.sha256 = std::string(64, 'a');
  welcome.created_by = admin;
  auto id = prompts.create(welcome);
  ASSERT_TRUE(id.ok()) << id.error().message;
  Prompt closed;
  closed.name = "closed";
  closed.kind = "tts";
  closed.text = "现在是非工作时间";
  ASSERT_TRUE(prompts.create(closed).ok());

  auto found = prompts.find(*id);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->file, "prompts/welcome.wav");
  EXPECT_EQ((*found)->duration_ms, 4'200);
  EXPECT_EQ((*found)->created_by, admin);
  EXPECT_EQ((*prompts.find_by_name("closed"))->text, "现在是非工作时间");

  EXPECT_EQ(prompts.create(welcome).error().code, "conflict");
  Prompt bad;
  bad.name = "no-file";
  bad.kind = "audio";
  EXPECT_EQ(prompts.create(bad).error().code, "invalid");
  bad.kind = "tts";
  EXPECT_EQ(prompts.create(bad).error().code, "invalid");
  bad.kind = "video";
  bad.text = "x";
  EXPECT_EQ(prompts.create(bad).error().code, "invalid");
  // The database refuses it too, on both dialects.
  soci::session sql(db_->pool());
  EXPECT_THROW(sql << "INSERT INTO prompts (name, kind, text, file, created_at, updated_at) "
                      "VALUES ('x', 'tts', '', '', 1, 1)",
               std::exception);

  auto changed = **found;
  changed.file = "prompts/welcome-v2.wav";
  ASSERT_TRUE(prompts.update(changed).ok());
  EXPECT_EQ((*prompts.find(*id))->file, "prompts/welcome-v2.wav");
  ASSERT_EQ(prompts.list()->size(), 2u);
  EXPECT_EQ((*prompts.list())[0].name, "closed");
  ASSERT_TRUE(prompts.remove(*id).ok());
  EXPECT_EQ(prompts.remove(*id).error().code, "not_found");
}

TEST_P(IvrRepositoriesTest, DataSourceCrudAndCascade) {
  DataSourceRepository sources(*db_);
  DataSource http;
  http.name = "transfer-progress";
  http.kind = "http";
  http.config = R"({"url":"http://127.0.0.1:8099/q?id={key}","timeout_ms":800})";
  auto http_id = sources.create(http);
  ASSERT_TRUE(http_id.ok()) << http_id.error().message;
  EXPECT_EQ(sources.create(http).error().code, "conflict");
  http.name = "ftp";
  http.kind = "ftp";
  EXPECT_EQ(sources.create(http).error().code, "invalid");

  auto found = sources.find(*http_id);
  ASSERT_TRUE(found.ok() && *found);
  auto changed = **found;
  changed.enabled = false;
  ASSERT_TRUE(sources.update(changed).ok());
  EXPECT_FALSE((*sources.find_by_name("transfer-progress"))->enabled);

  const Id table_id = add_source("card-progress");
  ASSERT_TRUE(records().upsert_many(table_id, {row("k1", "making")}).ok());
  ASSERT_TRUE(sources.remove(table_id).ok());
  EXPECT_EQ(raw_count("SELECT COUNT(*) FROM self_service_records"), 0);
  EXPECT_EQ(sources.list()->size(), 1u);
  EXPECT_EQ(sources.remove(table_id).error().code, "not_found");
}

TEST_P(IvrRepositoriesTest, SelfServiceImportAndLookupByKey) {
  const Id cards = add_source("card-progress");
  const Id other = add_source("other-table");
  auto written =
      records().upsert_many(cards, {row("k1", "making"), row("k2", "ready"), row("k3", "mailed")});
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(*written, 3);

  auto hit = records().lookup(cards, "k2");
  ASSERT_TRUE(hit.ok() && *hit);
  EXPECT_EQ((*hit)->data_source_id, cards);
  EXPECT_EQ((*hit)->id_sealed, "v1:sealed-k2");
  EXPECT_NE((*hit)->fields.find("ready"), std::string::npos);
  EXPECT_FALSE(*records().lookup(cards, "unknown"));
  EXPECT_FALSE(*records().lookup(other, "k2"));

  // Importing again replaces rows with the same key and adds the rest.
  ASSERT_TRUE(records().upsert_many(cards, {row("k2", "collected"), row("k4", "making")}).ok());
  EXPECT_EQ(*records().count(cards), 4);
  EXPECT_NE((*records().lookup(cards, "k2"))->fields.find("collected"), std::string::npos);

  auto page = records().list(cards, Page{2, 3});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 4);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].lookup_key, "k4");

  // Replacing leaves exactly the imported rows.
  ASSERT_TRUE(records().replace_all(cards, {row("k9", "making")}).ok());
  EXPECT_EQ(*records().count(cards), 1);
  EXPECT_FALSE(*records().lookup(cards, "k1"));
  EXPECT_TRUE(*records().lookup(cards, "k9"));

  ASSERT_TRUE(records().upsert_many(other, {row("k1", "x")}).ok());
  EXPECT_EQ(*records().remove_all(cards), 1);
  EXPECT_EQ(*records().count(cards), 0);
  EXPECT_EQ(*records().count(other), 1);
}

TEST_P(IvrRepositoriesTest, SelfServiceImportIsAllOrNothing) {
  const Id cards = add_source("card-progress");
  ASSERT_TRUE(records().upsert_many(cards, {row("k0", "old")}).ok());

  // The third row violates a constraint (empty key): the first two are not kept either.
  auto failed =
      records().upsert_many(cards, {row("k1", "making"), row("k0", "changed"), row("", "no key")});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, "constraint");
  EXPECT_EQ(failed.error().message.rfind("row 3:", 0), 0u) << failed.error().message;
  EXPECT_EQ(*records().count(cards), 1);
  EXPECT_FALSE(*records().lookup(cards, "k1"));
  EXPECT_NE((*records().lookup(cards, "k0"))->fields.find("old"), std::string::npos);

  // A failed replace keeps the old rows (the delete is rolled back with the inserts).
  auto failed_replace = records().replace_all(cards, {row("k5", "making"), row("", "no key")});
  ASSERT_FALSE(failed_replace.ok());
  EXPECT_EQ(*records().count(cards), 1);
  EXPECT_TRUE(*records().lookup(cards, "k0"));

  auto not_object = row("k6", "x");
  not_object.fields = "[1,2]";
  auto invalid = records().upsert_many(cards, {row("k7", "x"), not_object});
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, "invalid");
  EXPECT_EQ(invalid.error().message.rfind("row 2:", 0), 0u) << invalid.error().message;

  const Id http = add_source("remote", "http");
  EXPECT_EQ(records().upsert_many(http, {row("k1", "x")}).error().code, "invalid");
  EXPECT_EQ(records().upsert_many(987654, {row("k1", "x")}).error().code, "not_found");
  EXPECT_EQ(*records().count(cards), 1);
}

TEST_P(IvrRepositoriesTest, VoiceMessagesStatusAndFilters) {
  const Id call_a = add_call("call-a");
  const Id call_b = add_call("call-b");
  const Id agent = add_user("agent1");
  const EpochMs t0 = 1'764'300'000'000;
  auto first = messages().create(message(call_a, t0));
  auto second = messages().create(message(call_b, t0 + 1'000));
  auto third = messages().create(message(call_b, t0 + 2'000));
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());

  auto found = messages().find(*first);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->call_uuid, "call-a");
  EXPECT_EQ((*found)->status, "new");
  EXPECT_EQ((*found)->duration_ms, 12'000);
  EXPECT_EQ((*found)->created_at, t0);
  EXPECT_FALSE((*found)->handled_by);

  ASSERT_TRUE(messages().update_status(*second, "in_progress", agent, "calling back").ok());
  ASSERT_TRUE(messages().update_status(*third, "done", agent, "answered").ok());
  auto taken = messages().find(*second);
  EXPECT_EQ((*taken)->status, "in_progress");
  EXPECT_EQ((*taken)->handled_by, agent);
  EXPECT_EQ((*taken)->note, "calling back");
  EXPECT_EQ(messages().update_status(*second, "lost", agent, "").error().code, "invalid");
  EXPECT_EQ(messages().update_status(987654, "done", agent, "").error().code, "not_found");

  auto all = messages().query({}, Page{1, 20});
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->total, 3);
  EXPECT_EQ(all->items[0].id, *third);  // newest first
  EXPECT_EQ(all->items[2].id, *first);

  VoiceMessageFilter only_new;
  only_new.status = "new";
  auto fresh = messages().query(only_new, Page{1, 20});
  ASSERT_EQ(fresh->total, 1);
  EXPECT_EQ(fresh->items[0].id, *first);

  VoiceMessageFilter window;
  window.from = t0 + 1'000;
  window.to = t0 + 2'000;
  auto in_window = messages().query(window, Page{1, 20});
  ASSERT_EQ(in_window->total, 1);
  EXPECT_EQ(in_window->items[0].id, *second);

  auto second_page = messages().query({}, Page{2, 2});
  EXPECT_EQ(second_page->total, 3);
  ASSERT_EQ(second_page->items.size(), 1u);
  EXPECT_EQ(second_page->items[0].id, *first);

  auto orphan = messages().create(message(987654, t0));
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, "constraint");
  auto bad = message(call_a, t0);
  bad.status = "archived";
  EXPECT_EQ(messages().create(bad).error().code, "invalid");
}

TEST_P(IvrRepositoriesTest, SurveyRatingsAndTallyPerAgent) {
  const Id alice = add_user("alice");
  const Id bob = add_user("bob");
  const EpochMs t0 = 1'764'300'000'000;
  std::vector<Id> calls;
  for (int i = 0; i < 7; ++i) calls.push_back(add_call("survey-" + std::to_string(i)));
  ASSERT_TRUE(surveys().record(rating(calls[0], alice, "1001", "satisfied", t0)).ok());
  ASSERT_TRUE(surveys().record(rating(calls[1], alice, "1001", "satisfied", t0 + 10)).ok());
  ASSERT_TRUE(surveys().record(rating(calls[2], alice, "1001", "dissatisfied", t0 + 20)).ok());
  ASSERT_TRUE(surveys().record(rating(calls[3], bob, "1002", "basically_satisfied", t0 + 30)).ok());
  ASSERT_TRUE(surveys().record(rating(calls[4], bob, "1002", "not_rated", t0 + 40)).ok());
  // Outside the window below.
  ASSERT_TRUE(surveys().record(rating(calls[5], alice, "1001", "dissatisfied", t0 + 5'000)).ok());
  // An extension without an account.
  ASSERT_TRUE(surveys().record(rating(calls[6], std::nullopt, "1009", "satisfied", t0 + 50)).ok());

  auto again = surveys().record(rating(calls[0], alice, "1001", "dissatisfied", t0));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "conflict");
  EXPECT_EQ(surveys().record(rating(calls[0], alice, "1001", "great", t0)).error().code, "invalid");

  auto found = surveys().find_by_call(calls[3]);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->rating, "basically_satisfied");
  EXPECT_EQ((*found)->agent_user_id, bob);
  EXPECT_EQ((*found)->agent_extension, "1002");

  SurveyFilter window;
  window.from = t0;
  window.to = t0 + 1'000;
  auto tallies = surveys().tally(window);
  ASSERT_TRUE(tallies.ok()) << tallies.error().message;
  ASSERT_EQ(tallies->size(), 3u);
  const auto& a = (*tallies)[0];
  EXPECT_EQ(a.agent_user_id, alice);
  EXPECT_EQ(a.agent_extension, "1001");
  EXPECT_EQ(a.satisfied, 2);
  EXPECT_EQ(a.dissatisfied, 1);
  EXPECT_EQ(a.basically_satisfied, 0);
  EXPECT_EQ(a.total(), 3);
  const auto& b = (*tallies)[1];
  EXPECT_EQ(b.agent_user_id, bob);
  EXPECT_EQ(b.basically_satisfied, 1);
  EXPECT_EQ(b.not_rated, 1);
  const auto& unknown = (*tallies)[2];
  EXPECT_FALSE(unknown.agent_user_id);
  EXPECT_EQ(unknown.agent_extension, "1009");
  EXPECT_EQ(unknown.satisfied, 1);

  SurveyFilter alice_all_time;
  alice_all_time.agent_user_id = alice;
  auto alice_tally = surveys().tally(alice_all_time);
  ASSERT_EQ(alice_tally->size(), 1u);
  EXPECT_EQ((*alice_tally)[0].dissatisfied, 2);

  SurveyFilter by_extension;
  by_extension.agent_extension = "1002";
  auto listed = surveys().query(by_extension, Page{1, 20});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->total, 2);
  EXPECT_EQ(listed->items[0].call_id, calls[4]);  // newest first
}

TEST_P(IvrRepositoriesTest, CallIvrUpsertKeepsOneRowPerCall) {
  CallIvrRepository repository(*db_);
  const Id call = add_call("ivr-call");
  EXPECT_FALSE(*repository.find(call));

  CallIvr record;
  record.call_id = call;
  record.flow = "main";
  record.flow_version = 2;
  record.path = R"([{"node":"welcome","t":0}])";
  record.outcome = "in_progress";
  ASSERT_TRUE(repository.upsert(record).ok());
  auto first = repository.find(call);
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_EQ((*first)->flow_version, 2);
  EXPECT_FALSE((*first)->self_served);
  EXPECT_EQ((*first)->id_sealed, "");

  record.path = R"([{"node":"welcome","t":0},{"node":"query","t":5200,"outcome":"found"}])";
  record.outcome = "self_served";
  record.self_served = true;
  record.id_sealed = "v1:sealed-id";
  ASSERT_TRUE(repository.upsert(record).ok());
  auto second = repository.find(call);
  ASSERT_TRUE(second.ok() && *second);
  EXPECT_EQ((*second)->outcome, "self_served");
  EXPECT_TRUE((*second)->self_served);
  EXPECT_EQ((*second)->path, record.path);
  EXPECT_EQ((*second)->id_sealed, "v1:sealed-id");
  EXPECT_EQ((*second)->created_at, (*first)->created_at);
  EXPECT_EQ(raw_count("SELECT COUNT(*) FROM call_ivr"), 1);

  record.flow_version.reset();
  ASSERT_TRUE(repository.upsert(record).ok());
  EXPECT_FALSE((*repository.find(call))->flow_version);

  record.call_id = 987654;
  EXPECT_EQ(repository.upsert(record).error().code, "constraint");
  record.call_id = call;
  record.path = "not json";
  EXPECT_EQ(repository.upsert(record).error().code, "invalid");
  record.path = "[]";
  record.outcome = "";
  EXPECT_EQ(repository.upsert(record).error().code, "invalid");

  // Reports: outcomes of the calls offered in a window.
  CallIvr queued;
  queued.call_id = add_call("queued-call");
  queued.flow = "main";
  queued.outcome = "queued";
  ASSERT_TRUE(repository.upsert(queued).ok());
  const EpochMs offered = 1'700'000'000'000;  // add_call's offered_at
  auto counts = repository.count_outcomes(offered, offered + 1);
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].outcome, "queued");
  EXPECT_EQ((*counts)[0].calls, 1);
  EXPECT_EQ((*counts)[0].self_served, 0);
  EXPECT_EQ((*counts)[1].outcome, "self_served");
  EXPECT_EQ((*counts)[1].self_served, 1);
  EXPECT_TRUE(repository.count_outcomes(offered + 1, offered + 2)->empty());
}

// An existing version-3 database (calls already recorded) gains the IVR tables.
TEST_P(IvrRepositoriesTest, MigratesAVersion3Database) {
  test::ScratchDatabase scratch(GetParam());
  auto opened = Database::open(scratch.url(), 1);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto& db = **opened;
  const auto& all = all_migrations();
  const auto version3 =
      std::find_if(all.begin(), all.end(), [](const Migration& m) { return m.version == 3; });
  ASSERT_NE(version3, all.end());
  std::vector<Migration> up_to_3(all.begin(), version3 + 1);
  auto before = migrate(db, up_to_3);
  ASSERT_TRUE(before.ok()) << before.error().message;
  EXPECT_EQ(before->to_version, 3);

  CallRecord call;
  call.uuid = "from-version-3";
  call.direction = "inbound";
  call.offered_at = 1'700'000'000'000;
  auto call_id = CallRepository(db).create(call);
  ASSERT_TRUE(call_id.ok()) << call_id.error().message;
  EXPECT_THROW(
      {
        soci::session sql(db.pool());
        sql << "SELECT COUNT(*) FROM call_ivr";
      },
      std::exception);

  auto after = migrate(db);
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(after->from_version, 3);
  EXPECT_GE(after->to_version, 4);
  ASSERT_FALSE(after->applied.empty());
  EXPECT_EQ(after->applied.front(), 4);
  EXPECT_TRUE(*CallRepository(db).find_by_uuid("from-version-3"));

  CallIvr record;
  record.call_id = *call_id;
  record.flow = "main";
  record.outcome = "queued";
  ASSERT_TRUE(CallIvrRepository(db).upsert(record).ok());
  EXPECT_EQ((*CallIvrRepository(db).find(*call_id))->outcome, "queued");
}

HOTLINE_INSTANTIATE_STORE_TEST(IvrRepositoriesTest);

}  // namespace
}  // namespace hotline::store
