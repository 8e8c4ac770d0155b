// The telephony repositories behave the same on SQLite and PostgreSQL.
#include <soci/soci.h>

#include "common/secret_box.hpp"
#include "store/call_repository.hpp"
#include "store/inbound_route_repository.hpp"
#include "store/outbound_rule_repository.hpp"
#include "store/recording_repository.hpp"
#include "store/trunk_repository.hpp"
#include "store_test_fixture.hpp"

namespace hotline::store {
namespace {

std::array<unsigned char, SecretBox::kKeyBytes> key_of(unsigned char fill) {
  std::array<unsigned char, SecretBox::kKeyBytes> key{};
  key.fill(fill);
  return key;
}

class TelephonyRepositoriesTest : public StoreTest {
 protected:
  TrunkRepository trunks() { return TrunkRepository(*db_, secrets_); }

  Trunk sample_trunk(const std::string& name) {
    Trunk t;
    t.name = name;
    t.addresses = {"10.1.2.3", "10.9.0.0/16"};
    t.proxy = "10.1.2.3:5060";
    t.numbers = {"84038437", "84038438"};
    t.caller_id = "84038437";
    t.max_channels = 30;
    return t;
  }
  Id add_trunk(const std::string& name) {
    auto id = trunks().create(sample_trunk(name));
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }
  Id add_rule(Id trunk_id, const std::string& name, int priority) {
    OutboundRule rule;
    rule.name = name;
    rule.pattern = "1[3-9]XXXXXXXXX";
    rule.trunk_id = trunk_id;
    rule.priority = priority;
    auto id = OutboundRuleRepository(*db_).create(rule);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }
  CallRecord sample_call(const std::string& uuid, EpochMs offered_at) {
    CallRecord c;
    c.uuid = uuid;
    c.direction = "inbound";
    c.caller = "13800138000";
    c.callee = "84038437";
    c.did = "84038437";
    c.route = "did:84038437 -> extension:1001";
    c.offered_at = offered_at;
    return c;
  }
  Id add_call(const CallRecord& call) {
    auto id = CallRepository(*db_).create(call);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }
  std::string raw_text(const std::string& query) {
    soci::session sql(db_->pool());
    std::string value;
    sql << query, soci::into(value);
    return value;
  }

  SecretBox secrets_{key_of(7)};
};

TEST_P(TelephonyRepositoriesTest, TrunkCrudAndSealedPassword) {
  auto trunk = sample_trunk("carrier-a");
  trunk.kind = "registration";
  trunk.username = "user84038437";
  trunk.password = "Trunk#Secret2026";
  trunk.transport = "tcp";
  trunk.register_expires = 600;
  auto id = trunks().create(trunk);
  ASSERT_TRUE(id.ok()) << id.error().message;

  const auto sealed =
      raw_text("SELECT password_sealed FROM trunks WHERE id = " + std::to_string(*id));
  EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
  EXPECT_EQ(sealed.find("Trunk#Secret2026"), std::string::npos);

  auto found = trunks().find(*id);
  ASSERT_TRUE(found.ok() && *found) << (found.ok() ? "missing" : found.error().message);
  const auto& t = **found;
  EXPECT_EQ(t.name, "carrier-a");
  EXPECT_EQ(t.kind, "registration");
  EXPECT_TRUE(t.enabled);
  EXPECT_EQ(t.addresses, (std::vector<std::string>{"10.1.2.3", "10.9.0.0/16"}));
  EXPECT_EQ(t.numbers, (std::vector<std::string>{"84038437", "84038438"}));
  EXPECT_EQ(t.transport, "tcp");
  EXPECT_EQ(t.username, "user84038437");
  EXPECT_EQ(t.password, "Trunk#Secret2026");
  EXPECT_EQ(t.register_expires, 600);
  EXPECT_GT(t.created_at, 0);

  // An empty password keeps the stored one; a new one replaces it.
  auto changed = t;
  changed.password.clear();
  changed.enabled = false;
  changed.numbers = {"84038439"};
  ASSERT_TRUE(trunks().update(changed).ok());
  auto reread = trunks().find(*id);
  EXPECT_EQ((*reread)->password, "Trunk#Secret2026");
  EXPECT_FALSE((*reread)->enabled);
  EXPECT_EQ((*reread)->numbers, (std::vector<std::string>{"84038439"}));
  changed.password = "Other#Secret2026";
  ASSERT_TRUE(trunks().update(changed).ok());
  EXPECT_EQ((*trunks().find(*id))->password, "Other#Secret2026");

  add_trunk("carrier-b");
  auto listed = trunks().list();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "carrier-a");
  EXPECT_EQ((*listed)[1].password, "");

  ASSERT_TRUE(trunks().remove(*id).ok());
  EXPECT_FALSE(*trunks().find(*id));
  EXPECT_EQ(trunks().remove(*id).error().code, "not_found");
  changed.id = 987654;
  EXPECT_EQ(trunks().update(changed).error().code, "not_found");
}

TEST_P(TelephonyRepositoriesTest, TrunkErrors) {
  add_trunk("carrier-a");
  auto duplicate = trunks().create(sample_trunk("carrier-a"));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, "conflict");
  auto bad_kind = sample_trunk("carrier-x");
  bad_kind.kind = "carrier-pigeon";
  EXPECT_EQ(trunks().create(bad_kind).error().code, "invalid");
  auto bad_transport = sample_trunk("carrier-y");
  bad_transport.transport = "sctp";
  EXPECT_EQ(trunks().create(bad_transport).error().code, "invalid");
}

TEST_P(TelephonyRepositoriesTest, UnreadablePasswordIsAnErrorNotACrash) {
  auto trunk = sample_trunk("carrier-a");
  trunk.password = "Trunk#Secret2026";
  auto id = trunks().create(trunk);
  ASSERT_TRUE(id.ok());
  const SecretBox other(key_of(8));
  auto found = TrunkRepository(*db_, other).find(*id);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, "secret_invalid");
  EXPECT_NE(found.error().message.find("carrier-a"), std::string::npos);
  EXPECT_FALSE(TrunkRepository(*db_, other).list().ok());
}

TEST_P(TelephonyRepositoriesTest, InboundRouteCrud) {
  InboundRouteRepository routes(*db_);
  InboundRoute route;
  route.number = "84038437";
  route.destination = "1001";
  route.description = "市民热线";
  auto id = routes.create(route);
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto found = routes.find(*id);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->number, "84038437");
  EXPECT_EQ((*found)->destination_type, "extension");
  EXPECT_TRUE((*found)->record);
  EXPECT_EQ((*found)->description, "市民热线");

  auto duplicate = routes.create(route);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, "conflict");

  route.number = "12345";
  route.destination_type = "queue";
  route.destination = "general";
  route.record = false;
  ASSERT_TRUE(routes.create(route).ok());
  auto listed = routes.list();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].number, "12345") << "ordered by number";

  auto changed = **found;
  changed.destination = "1002";
  changed.enabled = false;
  ASSERT_TRUE(routes.update(changed).ok());
  EXPECT_EQ((*routes.find(*id))->destination, "1002");
  EXPECT_FALSE((*routes.find(*id))->enabled);
  changed.number = "12345";
  EXPECT_EQ(routes.update(changed).error().code, "conflict");
  ASSERT_TRUE(routes.remove(*id).ok());
  EXPECT_EQ(routes.remove(*id).error().code, "not_found");
  changed.id = 987654;
  EXPECT_EQ(routes.update(changed).error().code, "not_found");
}

TEST_P(TelephonyRepositoriesTest, OutboundRulesAndTrunkInUse) {
  OutboundRuleRepository rules(*db_);
  const auto trunk_a = add_trunk("carrier-a");
  const auto trunk_b = add_trunk("carrier-b");
  const auto local = add_rule(trunk_a, "本地固话", 20);
  const auto mobile = add_rule(trunk_a, "手机", 10);

  auto listed = rules.list();
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, mobile) << "lower priority first";
  EXPECT_EQ((*listed)[0].trunk_name, "carrier-a");
  EXPECT_EQ((*listed)[1].id, local);

  OutboundRule orphan;
  orphan.name = "nowhere";
  orphan.pattern = "X.";
  orphan.trunk_id = 987654;
  EXPECT_EQ(rules.create(orphan).error().code, "invalid");

  auto changed = *(*rules.find(mobile));
  changed.trunk_id = trunk_b;
  changed.strip_digits = 1;
  changed.prepend = "0";
  ASSERT_TRUE(rules.update(changed).ok());
  const auto reread = *(*rules.find(mobile));
  EXPECT_EQ(reread.trunk_name, "carrier-b");
  EXPECT_EQ(reread.strip_digits, 1);
  EXPECT_EQ(reread.prepend, "0");
  changed.trunk_id = 987654;
  EXPECT_EQ(rules.update(changed).error().code, "invalid");

  auto in_use = trunks().remove(trunk_a);
  ASSERT_FALSE(in_use.ok());
  EXPECT_EQ(in_use.error().code, "conflict");
  ASSERT_TRUE(rules.remove(local).ok());
  EXPECT_TRUE(trunks().remove(trunk_a).ok());
  EXPECT_EQ(rules.remove(local).error().code, "not_found");
}

TEST_P(TelephonyRepositoriesTest, CallCreateUpdateFind) {
  CallRepository calls(*db_);
  const auto trunk = add_trunk("carrier-a");
  auto call = sample_call("uuid-1", 1'000'000);
  call.trunk_id = trunk;
  call.trunk_name = "carrier-a";
  CallLegRecord caller_leg;
  caller_leg.role = "caller";
  caller_leg.party = "13800138000";
  caller_leg.kind = "trunk";
  caller_leg.contact = "10.1.2.3:5060";
  caller_leg.sip_call_id = "abc@10.1.2.3";
  caller_leg.started_at = 1'000'000;
  call.legs.push_back(caller_leg);
  const auto id = add_call(call);

  auto found = calls.find(id);
  ASSERT_TRUE(found.ok() && *found) << (found.ok() ? "missing" : found.error().message);
  EXPECT_EQ((*found)->uuid, "uuid-1");
  EXPECT_EQ((*found)->disposition, "active");
  EXPECT_EQ((*found)->trunk_id, trunk);
  EXPECT_FALSE((*found)->answered_at);
  EXPECT_FALSE((*found)->caller_loss_percent);
  ASSERT_EQ((*found)->legs.size(), 1u);
  EXPECT_EQ((*found)->legs[0].sip_call_id, "abc@10.1.2.3");
  EXPECT_FALSE((*found)->legs[0].answered_at);
  EXPECT_FALSE((*found)->talk_ms());

  auto ended = **found;
  ended.ringing_at = 1'000'500;
  ended.answered_at = 1'002'000;
  ended.ended_at = 1'062'000;
  ended.answered_by = "1001";
  ended.disposition = "answered";
  ended.cause = "callee_bye";
  ended.hangup_side = "callee";
  ended.caller_loss_percent = 0.25;
  ended.caller_jitter_ms = 3.5;
  ended.callee_loss_percent = 0.0;
  ended.callee_jitter_ms = 1.125;
  ended.recording_id = 42;
  ended.legs[0].answered_at = 1'002'000;
  ended.legs[0].ended_at = 1'062'000;
  ended.legs[0].final_status = 200;
  ended.legs[0].loss_percent = 0.25;
  CallLegRecord callee_leg;
  callee_leg.role = "callee";
  callee_leg.party = "1001";
  callee_leg.kind = "extension";
  callee_leg.started_at = 1'000'100;
  ended.legs.push_back(callee_leg);
  ASSERT_TRUE(calls.update(ended).ok());

  auto by_uuid = calls.find_by_uuid("uuid-1");
  ASSERT_TRUE(by_uuid.ok() && *by_uuid);
  const auto& c = **by_uuid;
  EXPECT_EQ(c.id, id);
  EXPECT_EQ(c.disposition, "answered");
  EXPECT_EQ(c.answered_by, "1001");
  EXPECT_EQ(c.talk_ms(), 60'000);
  EXPECT_EQ(c.ringing_at, 1'000'500);
  EXPECT_DOUBLE_EQ(*c.caller_loss_percent, 0.25);
  EXPECT_DOUBLE_EQ(*c.callee_jitter_ms, 1.125);
  EXPECT_DOUBLE_EQ(*c.callee_loss_percent, 0.0);
  EXPECT_EQ(c.recording_id, 42);
  ASSERT_EQ(c.legs.size(), 2u);
  EXPECT_EQ(c.legs[0].final_status, 200);
  EXPECT_EQ(c.legs[0].ended_at, 1'062'000);
  EXPECT_DOUBLE_EQ(*c.legs[0].loss_percent, 0.25);
  EXPECT_EQ(c.legs[1].party, "1001");

  EXPECT_FALSE(*calls.find_by_uuid("nope"));
  EXPECT_FALSE(*calls.find(987654));
  auto duplicate = calls.create(sample_call("uuid-1", 1));
  EXPECT_EQ(duplicate.error().code, "conflict");
  ended.id = 987654;
  EXPECT_EQ(calls.update(ended).error().code, "not_found");

  // Deleting the trunk keeps the record and its trunk name.
  ASSERT_TRUE(trunks().remove(trunk).ok());
  const auto after = *calls.find(id);
  EXPECT_FALSE(after->trunk_id);
  EXPECT_EQ(after->trunk_name, "carrier-a");
}

TEST_P(TelephonyRepositoriesTest, CallQueryFiltersAndPaging) {
  CallRepository calls(*db_);
  auto a = sample_call("a", 1000);  // inbound, answered by 1001
  a.answered_by = "1001";
  a.disposition = "answered";
  auto b = sample_call("b", 2000);  // inbound, missed
  b.caller = "13912345678";
  b.disposition = "no_answer";
  auto c = sample_call("c", 3000);  // outbound from 1002
  c.direction = "outbound";
  c.caller = "1002";
  c.callee = "01084038437";
  c.did = "";
  c.disposition = "busy";
  auto d = sample_call("d", 4000);  // internal 1003 -> 1001
  d.direction = "internal";
  d.caller = "1003";
  d.callee = "1001";
  d.did = "";
  d.answered_by = "1001";
  d.disposition = "answered";
  for (const auto& call : {a, b, c, d}) add_call(call);

  auto uuids = [&](const CallFilter& filter, Page page = {1, 20}) {
    auto result = calls.query(filter, page);
    EXPECT_TRUE(result.ok()) << result.error().message;
    std::string out;
    for (const auto& call : result->items) out += call.uuid;
    return out;
  };
  EXPECT_EQ(uuids({}), "dcba") << "newest first";
  CallFilter f;
  f.from = 2000;
  f.to = 4000;
  EXPECT_EQ(uuids(f), "cb") << "from inclusive, to exclusive";
  f = {};
  f.number = "1391234";
  EXPECT_EQ(uuids(f), "b");
  f.number = "8403843";
  EXPECT_EQ(uuids(f), "cba") << "callee, did";
  f.number = "%";
  EXPECT_EQ(uuids(f), "") << "wildcards are literal";
  f = {};
  f.extension = "1001";
  EXPECT_EQ(uuids(f), "da");
  f.extension = "1002";
  EXPECT_EQ(uuids(f), "c");
  f = {};
  f.disposition = "answered";
  EXPECT_EQ(uuids(f), "da");
  f = {};
  f.direction = "outbound";
  EXPECT_EQ(uuids(f), "c");
  f.direction = "inbound";
  f.disposition = "no_answer";
  EXPECT_EQ(uuids(f), "b");

  EXPECT_EQ(uuids({}, {1, 3}), "dcb");
  EXPECT_EQ(uuids({}, {2, 3}), "a");
  auto page = calls.query({}, {2, 3});
  EXPECT_EQ(page->total, 4);
}

TEST_P(TelephonyRepositoriesTest, ExtensionFilterFindsRungButMissedLegs) {
  CallRepository calls(*db_);
  auto missed = sample_call("missed", 1000);
  missed.disposition = "no_answer";
  CallLegRecord leg;
  leg.role = "callee";
  leg.party = "1005";
  leg.kind = "extension";
  missed.legs.push_back(leg);
  add_call(missed);
  auto other = sample_call("other", 2000);
  leg.party = "10050";
  other.legs.push_back(leg);
  add_call(other);
  CallFilter f;
  f.extension = "1005";
  auto found = calls.query(f, {1, 20});
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->total, 1);
  EXPECT_EQ(found->items[0].uuid, "missed");
}

TEST_P(TelephonyRepositoriesTest, CloseAbandonedCalls) {
  CallRepository calls(*db_);
  const auto active = add_call(sample_call("active", 1000));
  auto done = sample_call("done", 2000);
  done.disposition = "answered";
  done.ended_at = 3000;
  const auto finished = add_call(done);
  auto closed = calls.close_abandoned(9000);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(*closed, 1);
  const auto a = *calls.find(active);
  EXPECT_EQ(a->disposition, "failed");
  EXPECT_EQ(a->cause, "daemon_restart");
  EXPECT_EQ(a->ended_at, 9000);
  EXPECT_EQ((*calls.find(finished))->ended_at, 3000);
  EXPECT_EQ(*calls.close_abandoned(10000), 0);
}

TEST_P(TelephonyRepositoriesTest, CallEventsAreAppendOnly) {
  CallRepository calls(*db_);
  const auto id = add_call(sample_call("e", 1000));
  const auto other = add_call(sample_call("f", 1000));
  ASSERT_TRUE(calls.append_event({0, id, 1000, "offered", R"({"caller":"13800138000"})"}).ok());
  ASSERT_TRUE(calls.append_event({0, id, 1200, "answered", "{}"}).ok());
  ASSERT_TRUE(calls.append_event({0, id, 1100, "ringing", "{}"}).ok());
  ASSERT_TRUE(calls.append_event({0, other, 1050, "offered", "{}"}).ok());
  auto events = calls.events(id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].type, "offered");
  EXPECT_EQ((*events)[0].detail_json, R"({"caller":"13800138000"})");
  EXPECT_EQ((*events)[1].type, "ringing") << "ordered by time";
  EXPECT_EQ((*events)[2].type, "answered");
  EXPECT_EQ((*events)[2].call_id, id);

  soci::session sql(db_->pool());
  EXPECT_THROW(sql << "UPDATE call_events SET type = 'forged'", std::exception);
  EXPECT_THROW(sql << "DELETE FROM call_events", std::exception);
  EXPECT_EQ(calls.events(id)->size(), 3u);
  EXPECT_EQ(calls.append_event({0, 987654, 1, "offered", "{}"}).error().code, "constraint");
}

TEST_P(TelephonyRepositoriesTest, RecordingsWithJoinedCallFields) {
  CallRepository calls(*db_);
  RecordingRepository recordings(*db_);
  auto a = sample_call("rec-a", 1000);
  a.answered_by = "1001";
  auto b = sample_call("rec-b", 2000);
  b.caller = "13912345678";
  b.answered_by = "1002";
  const auto call_a = add_call(a);
  const auto call_b = add_call(b);
  Recording r;
  r.call_id = call_a;
  r.path = "recordings/2026/11/28/rec-a.mp3";
  r.format = "mp3";
  r.mime_type = "audio/mpeg";
  r.started_at = 1500;
  r.duration_ms = 60'000;
  r.bytes = 480'000;
  r.sha256 = std::string(64, 'a');
  auto first = recordings.create(r);
  ASSERT_TRUE(first.ok()) << first.error().message;
  r.call_id = call_b;
  r.path = "recordings/2026/11/28/rec-b.wav";
  r.format = "wav";
  r.mime_type = "audio/wav";
  r.started_at = 2500;
  auto second = recordings.create(r);
  ASSERT_TRUE(second.ok());

  auto found = recordings.find(*first);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->call_uuid, "rec-a");
  EXPECT_EQ((*found)->caller, "13800138000");
  EXPECT_EQ((*found)->callee, "84038437");
  EXPECT_EQ((*found)->path, "recordings/2026/11/28/rec-a.mp3");
  EXPECT_EQ((*found)->bytes, 480'000);
  EXPECT_EQ((*found)->duration_ms, 60'000);
  EXPECT_GT((*found)->created_at, 0);
  EXPECT_FALSE(*recordings.find(987654));

  auto ids = [&](const RecordingFilter& filter) {
    auto page = recordings.query(filter, {1, 20});
    EXPECT_TRUE(page.ok()) << page.error().message;
    std::vector<Id> out;
    for (const auto& item : page->items) out.push_back(item.id);
    return out;
  };
  EXPECT_EQ(ids({}), (std::vector<Id>{*second, *first})) << "newest first";
  RecordingFilter f;
  f.from = 2000;
  EXPECT_EQ(ids(f), std::vector<Id>{*second});
  f = {};
  f.to = 2000;
  EXPECT_EQ(ids(f), std::vector<Id>{*first});
  f = {};
  f.number = "139";
  EXPECT_EQ(ids(f), std::vector<Id>{*second});
  f = {};
  f.extension = "1001";
  EXPECT_EQ(ids(f), std::vector<Id>{*first});
  EXPECT_EQ(recordings.query({}, {2, 1})->total, 2);
  EXPECT_EQ(recordings.query({}, {2, 1})->items.size(), 1u);
  r.call_id = 987654;
  EXPECT_EQ(recordings.create(r).error().code, "constraint");
}

HOTLINE_INSTANTIATE_STORE_TEST(TelephonyRepositoriesTest);

}  // namespace
}  // namespace hotline::store
