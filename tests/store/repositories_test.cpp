// The repositories behave the same on SQLite and PostgreSQL.
#include <soci/soci.h>

#include "store/access_catalog.hpp"
#include "store/audit_repository.hpp"
#include "store/org_unit_repository.hpp"
#include "store/session_repository.hpp"
#include "store/user_repository.hpp"
#include "store_test_fixture.hpp"

namespace hotline::store {
namespace {

class RepositoriesTest : public StoreTest {
 protected:
  OrgUnit add_unit(const std::string& name, std::optional<Id> parent = std::nullopt,
                   const std::string& kind = "team") {
    OrgUnit unit;
    unit.name = name;
    unit.kind = kind;
    unit.parent_id = parent;
    auto created = OrgUnitRepository(*db_).create(unit);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return *created;
  }
  User add_user(const std::string& username, std::vector<std::string> roles,
                std::optional<Id> unit = std::nullopt,
                std::optional<std::string> extension = std::nullopt) {
    NewUser user;
    user.username = username;
    user.display_name = "名字 " + username;
    user.password_hash = "hash";
    user.roles = std::move(roles);
    user.org_unit_id = unit;
    user.extension = extension;
    auto created = UserRepository(*db_).create(user);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? *created : User{};
  }
};

TEST_P(RepositoriesTest, BuiltinRolesCarryTheCatalogue) {
  auto roles = RoleRepository(*db_).list();
  ASSERT_TRUE(roles.ok());
  ASSERT_EQ(roles->size(), builtin_roles().size());
  for (std::size_t i = 0; i < roles->size(); ++i) {
    EXPECT_EQ((*roles)[i].code, builtin_roles()[i].code);
    EXPECT_TRUE((*roles)[i].builtin);
    auto expected = builtin_roles()[i].permissions;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ((*roles)[i].permissions, expected) << (*roles)[i].code;
  }
  // A second sync (the next start) changes nothing.
  ASSERT_TRUE(RoleRepository(*db_).sync_builtin_roles().ok());
  EXPECT_EQ(RoleRepository(*db_).list()->size(), builtin_roles().size());
}

TEST_P(RepositoriesTest, UserLifecycle) {
  const auto team = add_unit("一班");
  auto user = add_user("agent1", {"agent"}, team.id, "1001");
  EXPECT_GT(user.id, 0);
  EXPECT_EQ(user.org_unit_name, "一班");
  EXPECT_EQ(user.roles, std::vector<std::string>{"agent"});
  EXPECT_EQ(user.extension, "1001");
  EXPECT_EQ(user.status, "active");

  UserRepository users(*db_);
  UserChanges changes;
  changes.display_name = "新名字";
  changes.roles = std::vector<std::string>{"agent", "team_leader"};
  changes.extension = std::optional<std::string>{};
  auto updated = users.update(user.id, changes);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->display_name, "新名字");
  EXPECT_EQ(updated->roles, (std::vector<std::string>{"agent", "team_leader"}));
  EXPECT_FALSE(updated->extension.has_value());

  auto permissions = users.permissions_of(user.id);
  ASSERT_TRUE(permissions.ok());
  EXPECT_EQ(*permissions,
            (std::vector<std::string>{"acd.read", "agent.work", "agents.read", "agents.supervise",
                                      "calls.read", "messages.handle", "messages.read",
                                      "missed.handle", "missed.read", "org.read", "recordings.read",
                                      "survey.read", "users.read"}));

  auto missing = users.update(987654, changes);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "not_found");
}

TEST_P(RepositoriesTest, DuplicatesAreConflicts) {
  add_user("same", {"agent"}, std::nullopt, "1001");
  NewUser twin;
  twin.username = "same";
  twin.display_name = "x";
  twin.password_hash = "h";
  twin.roles = {"agent"};
  auto created = UserRepository(*db_).create(twin);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "conflict");

  twin.username = "other";
  twin.extension = "1001";
  created = UserRepository(*db_).create(twin);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "conflict");
  EXPECT_NE(created.error().message.find("extension"), std::string::npos);
}

TEST_P(RepositoriesTest, UnknownRoleOrUnitIsRefusedAndNothingIsWritten) {
  NewUser user;
  user.username = "x1";
  user.display_name = "x";
  user.password_hash = "h";
  user.roles = {"no_such_role"};
  auto created = UserRepository(*db_).create(user);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "constraint");
  user.roles = {"agent"};
  user.org_unit_id = 777777;
  created = UserRepository(*db_).create(user);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "constraint");
  EXPECT_EQ(*UserRepository(*db_).count(), 0);
}

TEST_P(RepositoriesTest, ListFiltersAndPages) {
  const auto team1 = add_unit("一班");
  const auto team2 = add_unit("二班");
  for (int i = 1; i <= 25; ++i)
    add_user("agent" + std::to_string(i), {"agent"}, i % 2 ? team1.id : team2.id);
  add_user("boss", {"supervisor"}, team1.id);
  UserRepository users(*db_);

  auto page = users.list({}, {2, 10});
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->total, 26);
  ASSERT_EQ(page->items.size(), 10u);
  EXPECT_EQ(page->items.front().username, "agent11");

  UserFilter by_role;
  by_role.role = "supervisor";
  EXPECT_EQ(users.list(by_role, {})->total, 1);

  UserFilter by_unit;
  by_unit.org_unit_id = team2.id;
  EXPECT_EQ(users.list(by_unit, {})->total, 12);

  UserFilter by_text;
  by_text.text = "AGENT2";  // case-insensitive, matches agent2 and agent20..25
  EXPECT_EQ(users.list(by_text, {})->total, 7);

  UserFilter wildcard;
  wildcard.text = "%";  // LIKE metacharacters are literal
  EXPECT_EQ(users.list(wildcard, {})->total, 0);

  UserFilter injection;
  injection.text = "' OR 1=1 --";
  EXPECT_EQ(users.list(injection, {})->total, 0);
}

TEST_P(RepositoriesTest, FailureCountingLocksAndSuccessClears) {
  auto user = add_user("locky", {"agent"});
  UserRepository users(*db_);
  const EpochMs until = now_ms() + 60'000;
  for (int i = 1; i <= 2; ++i) EXPECT_EQ(*users.record_failure(user.id, 3, until), i);
  EXPECT_FALSE((*users.find(user.id))->locked_at(now_ms()));
  EXPECT_EQ(*users.record_failure(user.id, 3, until), 3);
  EXPECT_TRUE((*users.find(user.id))->locked_at(now_ms()));
  ASSERT_TRUE(users.unlock(user.id).ok());
  EXPECT_FALSE((*users.find(user.id))->locked_at(now_ms()));
  EXPECT_EQ(*users.record_failure(user.id, 3, until), 1);
  ASSERT_TRUE(users.record_success(user.id, now_ms()).ok());
  EXPECT_EQ((*users.find(user.id))->failed_logins, 0);
}

TEST_P(RepositoriesTest, OrgTreeRefusesCyclesAndNonEmptyDeletes) {
  OrgUnitRepository units(*db_);
  const auto centre = add_unit("中心", std::nullopt, "centre");
  const auto team = add_unit("一班", centre.id);
  const auto sub = add_unit("一组", team.id);

  OrgUnitChanges cycle;
  cycle.parent_id = std::optional<Id>{sub.id};
  auto moved = units.update(centre.id, cycle);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().code, "constraint");

  auto removed = units.remove(team.id);
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().code, "conflict");

  add_user("member", {"agent"}, sub.id);
  removed = units.remove(sub.id);
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().code, "conflict");

  const auto empty = add_unit("空班组", centre.id);
  EXPECT_TRUE(units.remove(empty.id).ok());
  auto list = units.list();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 3u);
}

TEST_P(RepositoriesTest, CustomRolesAreEditableBuiltinOnesAreNot) {
  RoleRepository roles(*db_);
  Role custom;
  custom.code = "night_shift";
  custom.name = "夜班";
  custom.permissions = {"users.read"};
  auto created = roles.create(custom);
  ASSERT_TRUE(created.ok()) << created.error().message;
  RoleChanges changes;
  changes.permissions = std::vector<std::string>{"users.read", "audit.read"};
  auto updated = roles.update(created->id, changes);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->permissions, (std::vector<std::string>{"audit.read", "users.read"}));
  changes.permissions = std::vector<std::string>{"made.up"};
  EXPECT_EQ(roles.update(created->id, changes).error().code, "constraint");

  const auto admin = roles.list()->front();
  changes.permissions = std::vector<std::string>{};
  EXPECT_EQ(roles.update(admin.id, changes).error().code, "conflict");
  EXPECT_EQ(roles.remove(admin.id).error().code, "conflict");

  add_user("holder", {"night_shift"});
  EXPECT_EQ(roles.remove(created->id).error().code, "conflict");
  EXPECT_EQ(roles.create(custom).error().code, "conflict");
}

TEST_P(RepositoriesTest, SessionsExpireAndEnd) {
  auto user = add_user("sess", {"agent"});
  SessionRepository sessions(*db_);
  const EpochMs now = now_ms();
  for (const char* id : {"s1", "s2", "s3"})
    ASSERT_TRUE(
        sessions
            .create({id, user.id, now, now, now + (id[1] == '3' ? -1 : 60'000), "127.0.0.1", "ua"})
            .ok());
  EXPECT_EQ(*sessions.purge_expired(now), 1);
  auto found = sessions.find("s1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->user_id, user.id);
  ASSERT_TRUE(sessions.remove_for_user(user.id, "s2").ok());
  EXPECT_FALSE(sessions.find("s1")->has_value());
  EXPECT_TRUE(sessions.find("s2")->has_value());
}

TEST_P(RepositoriesTest, AuditQueryFilters) {
  AuditRepository audit(*db_);
  for (int i = 0; i < 30; ++i) {
    AuditEntry e;
    e.at = 1'000'000 + i * 1000;
    e.actor_username = i % 3 ? "admin" : "auditor1";
    e.source_ip = "127.0.0.1";
    e.action = i % 2 ? "auth.login" : "user.update";
    e.success = i % 5 != 0;
    e.target_type = "user";
    e.target_id = std::to_string(i);
    e.detail_json = R"({"n":)" + std::to_string(i) + "}";
    ASSERT_TRUE(audit.append(e).ok());
  }
  auto all = audit.query({}, {1, 10});
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(all->total, 30);
  EXPECT_EQ(all->items.front().target_id, "29");  // newest first

  AuditFilter filter;
  filter.actor = "auditor1";
  EXPECT_EQ(audit.query(filter, {})->total, 10);
  filter = {};
  filter.action = "auth.*";
  EXPECT_EQ(audit.query(filter, {})->total, 15);
  filter = {};
  filter.success = false;
  EXPECT_EQ(audit.query(filter, {})->total, 6);
  filter = {};
  filter.from = 1'010'000;
  filter.to = 1'020'000;
  EXPECT_EQ(audit.query(filter, {})->total, 10);
}

HOTLINE_INSTANTIATE_STORE_TEST(RepositoriesTest);

}  // namespace
}  // namespace hotline::store
