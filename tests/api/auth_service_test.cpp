// AuthService against a real SQLite database: expiry and the end of sessions.
#include "api/auth_service.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "api/password_hasher.hpp"
#include "common/random.hpp"
#include "scratch_database.hpp"
#include "store/migrations.hpp"
#include "store/role_repository.hpp"
#include "store/user_repository.hpp"

namespace hotline::api {
namespace {

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(init_crypto());
    auto opened = store::Database::open(scratch_.url(), 2);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(*opened);
    ASSERT_TRUE(store::migrate(*db_).ok());
    ASSERT_TRUE(store::RoleRepository(*db_).sync_builtin_roles().ok());
    store::NewUser user;
    user.username = "agent1";
    user.display_name = "A";
    user.password_hash = *hash_password("Hotline@2026");
    user.roles = {"team_leader"};
    user_id_ = store::UserRepository(*db_).create(user)->id;
  }

  // Tests adjust config_ first, then make the service.
  void make_service() { service_ = std::make_unique<AuthService>(*db_, config_); }
  AuthService& service() { return *service_; }
  LoginSuccess login() {
    auto outcome = service().login({"agent1", "Hotline@2026", "127.0.0.1", "test"});
    EXPECT_TRUE(std::holds_alternative<LoginSuccess>(outcome));
    return std::get<LoginSuccess>(outcome);
  }

  test::ScratchDatabase scratch_{"sqlite"};
  std::unique_ptr<store::Database> db_;
  store::Id user_id_ = 0;
  AuthConfig config_;
  std::unique_ptr<AuthService> service_;
};

TEST_F(AuthServiceTest, TokenAuthenticatesWithTheRolesPermissions) {
  make_service();
  const auto session = login();
  auto principal = service().authenticate(session.token);
  ASSERT_TRUE(principal.has_value());
  EXPECT_EQ(principal->user_id, user_id_);
  EXPECT_TRUE(principal->has("users.read"));
  EXPECT_FALSE(principal->has("users.manage"));
  EXPECT_NE(principal->session_id, session.token) << "only the digest is kept";
  EXPECT_FALSE(service().authenticate(session.token + "x").has_value());
  EXPECT_FALSE(service().authenticate("").has_value());
}

TEST_F(AuthServiceTest, ExpiredSessionsDoNotAuthenticate) {
  make_service();
  const auto session = login();
  EXPECT_LE(session.session.expires_at - session.session.created_at,
            EpochMs{config_.session_idle_minutes} * 60'000);
  {
    soci::session sql(db_->pool());
    long long past = now_ms() - 1;
    sql << "UPDATE sessions SET expires_at = :t", soci::use(past);
  }
  EXPECT_FALSE(service().authenticate(session.token).has_value());
}

TEST_F(AuthServiceTest, ActivityNeverStretchesPastTheAbsoluteLimit) {
  config_.session_idle_minutes = 60;
  config_.session_max_hours = 1;
  make_service();
  const auto session = login();
  {
    // Pretend the session started 59 minutes ago and was last seen 2 minutes ago.
    soci::session sql(db_->pool());
    long long created = now_ms() - 59 * 60'000, seen = now_ms() - 2 * 60'000;
    sql << "UPDATE sessions SET created_at = :c, last_seen_at = :s", soci::use(created),
        soci::use(seen);
  }
  ASSERT_TRUE(service().authenticate(session.token).has_value());
  soci::session sql(db_->pool());
  long long created = 0, expires = 0;
  sql << "SELECT created_at, expires_at FROM sessions", soci::into(created), soci::into(expires);
  EXPECT_LE(expires, created + 3'600'000) << "the idle extension is capped by session_max_hours";
}

TEST_F(AuthServiceTest, DisabledUsersLoseAccessAtOnce) {
  make_service();
  const auto session = login();
  store::UserChanges changes;
  changes.status = "disabled";
  ASSERT_TRUE(store::UserRepository(*db_).update(user_id_, changes).ok());
  EXPECT_FALSE(service().authenticate(session.token).has_value());
}

}  // namespace
}  // namespace hotline::api
