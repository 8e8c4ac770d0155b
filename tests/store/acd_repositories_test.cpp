// The ACD repositories (migration 5) behave the same on SQLite and PostgreSQL.
#include <soci/soci.h>

#include "store/agent_state_repository.hpp"
#include "store/callback_repository.hpp"
#include "store/missed_call_repository.hpp"
#include "store/queue_repository.hpp"
#include "store/queue_visit_repository.hpp"
#include "store/user_repository.hpp"
#include "store_test_fixture.hpp"

namespace hotline::store {
namespace {

class AcdRepositoriesTest : public StoreTest {
 protected:
  QueueRepository queues() { return QueueRepository(*db_); }

  Id add_user(const std::string& username, const std::string& extension) {
    NewUser user;
    user.username = username;
    user.display_name = username;
    user.password_hash = "not-a-real-hash";
    user.extension = extension;
    auto created = UserRepository(*db_).create(user);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? created->id : 0;
  }

  Id add_queue(const std::string& name) {
    Queue queue;
    queue.name = name;
    queue.display_name = name + " queue";
    auto id = queues().create(queue);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }
};

TEST_P(AcdRepositoriesTest, AQueueIsStoredWithEveryFieldAndItsMembers) {
  Queue queue;
  queue.name = "medical";
  queue.display_name = "医保咨询";
  queue.strategy = "skills";
  queue.tier_wait_seconds = 45;
  queue.ring_timeout_seconds = 20;
  queue.wrap_up_seconds = 60;
  queue.max_wait_seconds = 300;
  queue.max_length = 10;
  queue.overflow_type = "queue";
  queue.overflow_target = "general";
  queue.moh_prompt = "music";
  queue.announce_interval_seconds = 40;
  queue.announce_position = false;
  queue.announce_wait = true;
  queue.callback_key = "9";
  queue.service_level_seconds = 15;
  queue.service_level_target = 90;
  queue.warn_wait_seconds = 20;
  queue.alert_wait_seconds = 50;
  auto id = queues().create(queue);
  ASSERT_TRUE(id.ok()) << id.error().message;
  const auto alice = add_user("alice", "1001");
  const auto bob = add_user("bob", "1002");
  ASSERT_TRUE(queues().set_members(*id, {{alice, "", "", "", 1, 8}, {bob, "", "", "", 2, 3}}).ok());

  auto found = queues().find(*id);
  ASSERT_TRUE(found.ok() && *found);
  const Queue& q = **found;
  EXPECT_EQ(q.display_name, "医保咨询");
  EXPECT_EQ(q.strategy, "skills");
  EXPECT_EQ(q.tier_wait_seconds, 45);
  EXPECT_EQ(q.ring_timeout_seconds, 20);
  EXPECT_EQ(q.wrap_up_seconds, 60);
  EXPECT_EQ(q.max_wait_seconds, 300);
  EXPECT_EQ(q.max_length, 10);
  EXPECT_EQ(q.overflow_type, "queue");
  EXPECT_EQ(q.overflow_target, "general");
  EXPECT_EQ(q.moh_prompt, "music");
  EXPECT_EQ(q.announce_interval_seconds, 40);
  EXPECT_FALSE(q.announce_position);
  EXPECT_TRUE(q.announce_wait);
  EXPECT_EQ(q.callback_key, "9");
  EXPECT_EQ(q.service_level_seconds, 15);
  EXPECT_EQ(q.service_level_target, 90);
  EXPECT_EQ(q.warn_wait_seconds, 20);
  EXPECT_EQ(q.alert_wait_seconds, 50);
  ASSERT_EQ(q.members.size(), 2u);
  EXPECT_EQ(q.members[0].username, "alice");
  EXPECT_EQ(q.members[0].extension, "1001");
  EXPECT_EQ(q.members[0].level, 8);
  EXPECT_EQ(q.members[1].username, "bob");
  EXPECT_EQ(q.members[1].tier, 2);

  // Replacing the members drops the ones not named.
  ASSERT_TRUE(queues().set_members(*id, {{bob, "", "", "", 1, 5}}).ok());
  auto list = queues().list();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  ASSERT_EQ((*list)[0].members.size(), 1u);
  EXPECT_EQ((*list)[0].members[0].username, "bob");
}

TEST_P(AcdRepositoriesTest, BadQueueValuesAndDuplicateNamesAreRefused) {
  add_queue("general");
  Queue duplicate;
  duplicate.name = "general";
  auto again = queues().create(duplicate);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "conflict");

  Queue bad;
  bad.name = "bad";
  bad.strategy = "random";
  auto refused = queues().create(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "constraint");
  bad.strategy = "ring_all";
  bad.callback_key = "12";
  EXPECT_FALSE(queues().create(bad).ok());

  const auto id = add_queue("social");
  EXPECT_EQ(queues().set_members(id, {{424242, "", "", "", 1, 5}}).error().code, "constraint");
  EXPECT_EQ(queues().set_members(9999, {}).error().code, "not_found");
  Queue missing;
  missing.id = 9999;
  missing.name = "x";
  EXPECT_EQ(queues().update(missing).error().code, "not_found");
}

TEST_P(AcdRepositoriesTest, AQueueIsUpdatedAndRemovedWithItsMembers) {
  const auto id = add_queue("general");
  const auto alice = add_user("alice", "1001");
  ASSERT_TRUE(queues().set_members(id, {{alice, "", "", "", 1, 5}}).ok());
  auto queue = **queues().find(id);
  queue.strategy = "round_robin";
  queue.enabled = false;
  ASSERT_TRUE(queues().update(queue).ok());
  EXPECT_EQ((*queues().find(id))->strategy, "round_robin");
  EXPECT_FALSE((*queues().find(id))->enabled);
  ASSERT_TRUE(queues().remove(id).ok());
  EXPECT_FALSE(*queues().find(id));
  EXPECT_EQ(queues().remove(id).error().code, "not_found");
}

TEST_P(AcdRepositoriesTest, NotReadyReasonsAreListedInOrder) {
  ASSERT_TRUE(queues().create_reason({0, "会议", 2, true}).ok());
  auto rest = queues().create_reason({0, "小休", 1, true});
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(queues().create_reason({0, "小休", 3, true}).error().code, "conflict");
  ASSERT_TRUE(queues().update_reason({*rest, "小休", 5, false}).ok());
  auto reasons = queues().reasons();
  ASSERT_TRUE(reasons.ok());
  ASSERT_EQ(reasons->size(), 2u);
  EXPECT_EQ((*reasons)[0].name, "会议");
  EXPECT_EQ((*reasons)[1].name, "小休");
  EXPECT_FALSE((*reasons)[1].enabled);
  ASSERT_TRUE(queues().remove_reason(*rest).ok());
  EXPECT_EQ(queues().remove_reason(*rest).error().code, "not_found");
}

TEST_P(AcdRepositoriesTest, AgentStatesAreUpsertedAndEveryChangeIsLogged) {
  const auto alice = add_user("alice", "1001");
  AgentStateRepository states(*db_);
  ASSERT_TRUE(states
                  .record({alice, "ready", "", 1000, "", 1000},
                          {0, alice, "ready", "logged_out", "", "", 0, std::nullopt, 1000})
                  .ok());
  ASSERT_TRUE(states
                  .record({alice, "not_ready", "小休", 5000, "", 1000},
                          {0, alice, "not_ready", "ready", "小休", "", 4000, alice, 5000})
                  .ok());
  auto loaded = states.load();
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0].state, "not_ready");
  EXPECT_EQ((*loaded)[0].reason, "小休");
  EXPECT_EQ((*loaded)[0].since, 5000);
  EXPECT_EQ((*loaded)[0].logged_in_at, 1000);

  auto events = states.events({alice, std::nullopt, std::nullopt}, {1, 50});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->total, 2);
  EXPECT_EQ(events->items[1].previous, "ready");
  EXPECT_EQ(events->items[1].previous_ms, 4000);
  EXPECT_EQ(events->items[1].by_user, alice);
  EXPECT_EQ(states.events({alice, 2000, std::nullopt}, {1, 50})->total, 1);

  // A state the ACD does not know is refused, and the log is append-only.
  EXPECT_FALSE(states
                   .record({alice, "dancing", "", 6000, "", std::nullopt},
                           {0, alice, "dancing", "not_ready", "", "", 0, std::nullopt, 6000})
                   .ok());
  soci::session sql(db_->pool());
  EXPECT_THROW(sql << "DELETE FROM agent_events", std::exception);
  EXPECT_EQ(states.events({}, {1, 50})->total, 2);
}

TEST_P(AcdRepositoriesTest, AQueueVisitIsOpenedAndClosedWithItsOutcome) {
  const auto alice = add_user("alice", "1001");
  QueueVisitRepository visits(*db_);
  auto id = visits.enter({0, "call-1", "general", "13800138000", 1, 10'000});
  ASSERT_TRUE(id.ok()) << id.error().message;
  ASSERT_TRUE(visits.enter({0, "call-2", "general", "13900139000", 0, 12'000}).ok());
  ASSERT_TRUE(visits.leave(*id, 25'000, "answered", alice, 15'000, 2).ok());
  EXPECT_EQ(visits.leave(*id, 25'000, "vanished", std::nullopt, 0, 0).error().code, "invalid");
  EXPECT_EQ(visits.leave(9999, 25'000, "abandoned", std::nullopt, 0, 0).error().code, "not_found");
  auto of_call = visits.of_call("call-1");
  ASSERT_TRUE(of_call.ok());
  ASSERT_EQ(of_call->size(), 1u);
  EXPECT_EQ((*of_call)[0].outcome, "answered");
  EXPECT_EQ((*of_call)[0].agent_id, alice);
  EXPECT_EQ((*of_call)[0].wait_ms, 15'000);
  EXPECT_EQ((*of_call)[0].offers, 2);
  auto since = visits.entered_since(11'000);
  ASSERT_TRUE(since.ok());
  ASSERT_EQ(since->size(), 1u);
  EXPECT_EQ((*since)[0].call_uuid, "call-2");
  EXPECT_TRUE((*since)[0].outcome.empty());
  EXPECT_FALSE((*since)[0].left_at);
  // A restart closes what it cut short; closed visits stay as they were.
  auto closed = visits.close_open(30'000);
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  EXPECT_EQ(*closed, 1);
  const auto after = visits.entered_since(0);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)[0].outcome, "answered");
  EXPECT_EQ((*after)[1].outcome, "failed");
  EXPECT_EQ((*after)[1].wait_ms, 18'000);
  EXPECT_EQ(*visits.close_open(40'000), 0);
}

TEST_P(AcdRepositoriesTest, MissedCallsAreListedNewestFirstAndFollowedUp) {
  const auto alice = add_user("alice", "1001");
  MissedCallRepository missed(*db_);
  MissedCall first;
  first.call_uuid = "call-1";
  first.number = "13800138000";
  first.lost_in = "queue";
  first.queue = "general";
  first.wait_ms = 30'000;
  first.occurred_at = 1000;
  ASSERT_TRUE(missed.create(first).ok());
  MissedCall second = first;
  second.call_uuid = "call-2";
  second.lost_in = "ivr";
  second.occurred_at = 2000;
  auto second_id = missed.create(second);
  ASSERT_TRUE(second_id.ok());
  MissedCall bad = first;
  bad.lost_in = "space";
  EXPECT_EQ(missed.create(bad).error().code, "constraint");

  auto page = missed.query({}, {1, 10});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->total, 2);
  EXPECT_EQ(page->items[0].call_uuid, "call-2");
  ASSERT_TRUE(missed.update_status(*second_id, "called_back", alice, "回拨成功").ok());
  EXPECT_EQ(missed.update_status(*second_id, "lost", alice, "").error().code, "invalid");
  auto open = missed.query({"open", std::nullopt, std::nullopt, ""}, {1, 10});
  ASSERT_EQ(open->total, 1);
  EXPECT_EQ(open->items[0].call_uuid, "call-1");
  auto done = missed.find(*second_id);
  ASSERT_TRUE(done.ok() && *done);
  EXPECT_EQ((*done)->status, "called_back");
  EXPECT_EQ((*done)->handled_by, alice);
  EXPECT_TRUE((*done)->handled_at);
  EXPECT_EQ((*done)->note, "回拨成功");
  EXPECT_EQ(missed.query({"", 1500, std::nullopt, ""}, {1, 10})->total, 1);
}

}  // namespace

TEST_P(AcdRepositoriesTest, CallbacksKeepTheirPlaceAndEveryAttempt) {
  const Id agent = add_user("cb_agent", "1801");
  CallbackRepository callbacks(*db_);
  Callback later;
  later.call_uuid = "c2";
  later.queue = "general";
  later.number = "13900139000";
  later.place_at = 2000;
  Callback earlier = later;
  earlier.call_uuid = "c1";
  earlier.number = "13800138000";
  earlier.place_at = 1000;
  const auto later_id = callbacks.create(later);
  const auto earlier_id = callbacks.create(earlier);
  ASSERT_TRUE(later_id.ok() && earlier_id.ok());
  Callback nameless = later;
  nameless.number = "";
  EXPECT_FALSE(callbacks.create(nameless).ok());  // nobody to call back

  auto open = callbacks.open();
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].call_uuid, "c1");  // by place in the queue
  EXPECT_EQ((*open)[0].status, "waiting");

  ASSERT_TRUE(callbacks.dialling(*earlier_id, agent, "out-1").ok());
  auto dialling = callbacks.find(*earlier_id);
  ASSERT_TRUE(dialling.ok() && dialling->has_value());
  EXPECT_EQ((*dialling)->status, "dialling");
  EXPECT_EQ((*dialling)->attempts, 1);
  EXPECT_EQ((*dialling)->agent_id, agent);
  EXPECT_EQ((*dialling)->callback_call_uuid, "out-1");
  EXPECT_EQ(callbacks.open()->size(), 2u);  // a restart dials it again

  // Ring-all: several phones ring, nobody is recorded until one answers.
  ASSERT_TRUE(callbacks.dialling(*later_id, std::nullopt, "out-2").ok());
  EXPECT_EQ((*callbacks.find(*later_id))->agent_id, std::nullopt);
  ASSERT_TRUE(callbacks.taken_by(*later_id, agent).ok());
  EXPECT_EQ((*callbacks.find(*later_id))->agent_id, agent);
  EXPECT_EQ(callbacks.taken_by(99999, agent).error().code, "not_found");

  ASSERT_TRUE(callbacks.finish(*earlier_id, "completed", "answered").ok());
  ASSERT_TRUE(callbacks.finish(*later_id, "failed", "no_answer").ok());
  EXPECT_TRUE(callbacks.open()->empty());
  EXPECT_EQ((*callbacks.find(*later_id))->outcome, "no_answer");
  EXPECT_FALSE(callbacks.finish(*later_id, "lost", "").ok());  // not a status
  EXPECT_EQ(callbacks.finish(99999, "failed", "").error().code, "not_found");
}

HOTLINE_INSTANTIATE_STORE_TEST(AcdRepositoriesTest);

}  // namespace hotline::store
