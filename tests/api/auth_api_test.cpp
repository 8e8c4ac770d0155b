// Logins, sessions, lockouts and password changes through the real daemon.
#include "api_test_fixture.hpp"

namespace hotline::test {
namespace {

using boost::beast::http::verb;

class AuthApiTest : public ApiTest {
 protected:
  DaemonOptions daemon_options() override {
    DaemonOptions options;
    options.config_toml = {{"auth.account_max_failures", "3"},
                           {"auth.address_max_failures", "8"},
                           {"auth.address_block_minutes", "1"}};
    return options;
  }
  HttpResponse try_login(const std::string& user, const std::string& password) {
    return client().post_json("/api/v1/auth/login", {{"username", user}, {"password", password}});
  }
};

TEST_P(AuthApiTest, HealthzReportsVersionAndDatabase) {
  auto response = client().get("/healthz");
  ASSERT_EQ(response.status, 200u) << response.body;
  const auto body = response.json();
  EXPECT_EQ(body["status"], "ok");
  EXPECT_FALSE(body["version"].get<std::string>().empty());
  EXPECT_EQ(body["database"]["status"], "ok");
  EXPECT_EQ(body["database"]["dialect"], GetParam());
  EXPECT_GE(body["database"]["schema_version"].get<int>(), 1);
}

TEST_P(AuthApiTest, LoginGivesBearerTokenAndHttpOnlyCookie) {
  auto response = try_login("admin", kDemoPassword);
  ASSERT_EQ(response.status, 200u) << response.body;
  const auto body = response.json();
  const auto token = body["token"].get<std::string>();
  EXPECT_GE(token.size(), 40u);
  EXPECT_EQ(body["user"]["username"], "admin");
  const auto cookie = response.header("set-cookie");
  EXPECT_NE(cookie.find("hotline_session=" + token), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);

  auto by_bearer = get("/api/v1/auth/me", token);
  ASSERT_EQ(by_bearer.status, 200u) << by_bearer.body;
  EXPECT_EQ(by_bearer.json()["user"]["username"], "admin");
  const auto permissions = by_bearer.json()["permissions"];
  EXPECT_NE(std::find(permissions.begin(), permissions.end(), "users.manage"), permissions.end());

  auto by_cookie = client().get("/api/v1/auth/me", {{"Cookie", "hotline_session=" + token}});
  EXPECT_EQ(by_cookie.status, 200u);

  // Usernames are case-insensitive.
  EXPECT_EQ(try_login("ADMIN", kDemoPassword).status, 200u);
}

TEST_P(AuthApiTest, LogoutEndsTheSession) {
  const auto token = login("agent1");
  ASSERT_EQ(get("/api/v1/auth/me", token).status, 200u);
  auto out = client().request(verb::post, "/api/v1/auth/logout", "", bearer(token));
  EXPECT_EQ(out.status, 204u);
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
  auto after = get("/api/v1/auth/me", token);
  EXPECT_EQ(after.status, 401u);
  EXPECT_EQ(after.json()["error"]["code"], "unauthorized");
  EXPECT_EQ(client().get("/api/v1/auth/me", bearer("made-up-token")).status, 401u);
  EXPECT_EQ(client().get("/api/v1/auth/me").status, 401u);
}

TEST_P(AuthApiTest, WrongPasswordsLockTheAccountUntilUnlocked) {
  for (int i = 0; i < 2; ++i) {
    auto wrong = try_login("agent2", "Wrong#Password1");
    ASSERT_EQ(wrong.status, 401u) << wrong.body;
    EXPECT_EQ(wrong.json()["error"]["code"], "invalid_credentials");
  }
  auto locking = try_login("agent2", "Wrong#Password1");
  EXPECT_EQ(locking.status, 423u) << locking.body;
  auto locked = try_login("agent2", kDemoPassword);
  ASSERT_EQ(locked.status, 423u) << "the right password does not open a locked account";
  EXPECT_EQ(locked.json()["error"]["code"], "account_locked");
  EXPECT_FALSE(locked.header("retry-after").empty());

  const auto admin = login("admin");
  auto users = get("/api/v1/users?q=agent2", admin).json();
  ASSERT_EQ(users["total"], 1);
  EXPECT_EQ(users["items"][0]["locked"], true);
  const auto id = users["items"][0]["id"].get<int>();
  EXPECT_EQ(post("/api/v1/users/" + std::to_string(id) + "/unlock", {}, admin).status, 204u);
  EXPECT_EQ(try_login("agent2", kDemoPassword).status, 200u);

  // Every failure is in the audit log, with its reason and source address.
  auto audit = get("/api/v1/audit?action=auth.login&success=false", admin).json();
  ASSERT_GE(audit["total"].get<int>(), 4);
  EXPECT_EQ(audit["items"][0]["actor_username"], "agent2");
  EXPECT_EQ(audit["items"][0]["source_ip"], "127.0.0.1");
  EXPECT_EQ(audit["items"][0]["detail"]["reason"], "account_locked");
  auto unlock = get("/api/v1/audit?action=user.unlock", admin).json();
  ASSERT_EQ(unlock["total"], 1);
  EXPECT_EQ(unlock["items"][0]["actor_username"], "admin");
  EXPECT_EQ(unlock["items"][0]["target_id"], std::to_string(id));
}

TEST_P(AuthApiTest, AnAddressWithTooManyFailuresIsBlocked) {
  for (int i = 0; i < 8; ++i) {
    auto response = try_login("nobody" + std::to_string(i), "Whatever#123");
    ASSERT_EQ(response.status, 401u) << "attempt " << i << ": " << response.body;
  }
  auto blocked = try_login("admin", kDemoPassword);
  ASSERT_EQ(blocked.status, 429u) << blocked.body;
  EXPECT_EQ(blocked.json()["error"]["code"], "rate_limited");
  EXPECT_FALSE(blocked.header("retry-after").empty());
  // Unknown usernames leave a trace too, without inventing an actor.
  auto audit_probe = daemon_->log();
  EXPECT_EQ(audit_probe.find("Whatever#123"), std::string::npos)
      << "passwords must never be logged";
}

TEST_P(AuthApiTest, PasswordChangeChecksTheOldOneAndThePolicy) {
  const auto token = login("agent3");
  const auto other_session = login("agent3");
  auto wrong_old = post("/api/v1/auth/password",
                        {{"old_password", "nope"}, {"new_password", "Brand#New2027"}}, token);
  EXPECT_EQ(wrong_old.status, 403u) << wrong_old.body;
  EXPECT_EQ(wrong_old.json()["error"]["code"], "invalid_credentials");
  auto weak = post("/api/v1/auth/password",
                   {{"old_password", kDemoPassword}, {"new_password", "short"}}, token);
  EXPECT_EQ(weak.status, 400u);
  EXPECT_EQ(weak.json()["error"]["code"], "weak_password");
  auto ok = post("/api/v1/auth/password",
                 {{"old_password", kDemoPassword}, {"new_password", "Brand#New2027"}}, token);
  EXPECT_EQ(ok.status, 204u) << ok.body;
  EXPECT_EQ(get("/api/v1/auth/me", token).status, 200u) << "the changing session stays";
  EXPECT_EQ(get("/api/v1/auth/me", other_session).status, 401u) << "other sessions end";
  EXPECT_EQ(try_login("agent3", kDemoPassword).status, 401u);
  EXPECT_EQ(try_login("agent3", "Brand#New2027").status, 200u);
}

TEST_P(AuthApiTest, DisabledAccountsCannotLogInAndLoseTheirSessions) {
  const auto admin = login("admin");
  const auto agent = login("agent4");
  auto users = get("/api/v1/users?q=agent4", admin).json();
  const auto id = users["items"][0]["id"].get<int>();
  auto disabled = patch("/api/v1/users/" + std::to_string(id), {{"status", "disabled"}}, admin);
  ASSERT_EQ(disabled.status, 200u) << disabled.body;
  EXPECT_EQ(get("/api/v1/auth/me", agent).status, 401u);
  auto refused = try_login("agent4", kDemoPassword);
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(refused.json()["error"]["code"], "account_disabled");
}

HOTLINE_INSTANTIATE_API_TEST(AuthApiTest);

}  // namespace
}  // namespace hotline::test
