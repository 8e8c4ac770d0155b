// Users, roles, organisation units, audit log, events and the service endpoints.
#include "api_test_fixture.hpp"
#include "ws_client.hpp"

namespace hotline::test {
namespace {

using AdminApiTest = ApiTest;

TEST_P(AdminApiTest, AdminCreatesAUserWhoCanLogIn) {
  const auto admin = login("admin");
  const auto team = unit_id("话务二班", admin);
  auto created = post("/api/v1/users",
                      {{"username", "New.Agent"},
                       {"display_name", "新坐席"},
                       {"password", "Secure#Pass2026"},
                       {"org_unit_id", team},
                       {"roles", {"agent"}},
                       {"extension", "1010"}},
                      admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto user = created.json();
  EXPECT_EQ(user["username"], "new.agent");
  EXPECT_EQ(user["org_unit_name"], "话务二班");
  EXPECT_EQ(user["roles"], nlohmann::json({"agent"}));
  EXPECT_EQ(user["extension"], "1010");
  EXPECT_EQ(user.count("password_hash"), 0u);

  const auto token = login("new.agent", "Secure#Pass2026");
  auto me = get("/api/v1/auth/me", token).json();
  EXPECT_EQ(me["user"]["display_name"], "新坐席");
  EXPECT_EQ(me["permissions"], nlohmann::json({"agent.work", "messages.handle", "messages.read",
                                               "missed.handle", "missed.read"}));
  EXPECT_EQ(get("/api/v1/users", token).status, 403u);

  auto audit = get("/api/v1/audit?action=user.create", admin).json();
  ASSERT_EQ(audit["total"], 1);
  EXPECT_EQ(audit["items"][0]["actor_username"], "admin");
  EXPECT_EQ(audit["items"][0]["target_id"], std::to_string(user["id"].get<int>()));
  EXPECT_EQ(audit["items"][0]["detail"].dump().find("Secure#Pass2026"), std::string::npos);
}

TEST_P(AdminApiTest, UserValidationAndConflicts) {
  const auto admin = login("admin");
  const nlohmann::json good = {{"username", "valid1"},
                               {"display_name", "V"},
                               {"password", "Secure#Pass2026"},
                               {"roles", {"agent"}}};
  auto with = [&](const char* key, nlohmann::json value) {
    auto body = good;
    body[key] = std::move(value);
    return post("/api/v1/users", body, admin);
  };
  auto duplicate = with("username", "agent1");
  EXPECT_EQ(duplicate.status, 409u);
  EXPECT_EQ(duplicate.json()["error"]["message"], "the username is already taken");
  auto taken_extension = with("extension", "1001");
  EXPECT_EQ(taken_extension.status, 409u);
  EXPECT_NE(taken_extension.json()["error"]["message"].get<std::string>().find("extension"),
            std::string::npos);
  EXPECT_EQ(with("password", "weak").json()["error"]["code"], "weak_password");
  EXPECT_EQ(with("password", "Valid1Valid1!").json()["error"]["code"],
            "weak_password");  // has username
  EXPECT_EQ(with("roles", {"emperor"}).status, 400u);
  EXPECT_EQ(with("roles", nlohmann::json::array()).status, 400u);
  EXPECT_EQ(with("roles", "agent").status, 400u);
  EXPECT_EQ(with("org_unit_id", 99999).status, 400u);
  EXPECT_EQ(with("org_unit_id", "1").status, 400u);
  EXPECT_EQ(with("extension", "12a").status, 400u);
  EXPECT_EQ(with("username", "bad name").status, 400u);
  EXPECT_EQ(with("username", "x").status, 400u);
  EXPECT_EQ(with("status", "sleeping").status, 400u);
  EXPECT_EQ(with("display_name", std::string(65, 'x')).status, 400u);
  EXPECT_EQ(with("display_name", "一二三四五六七八九十").status, 201u) << "limits count characters";
  auto unknown = with("is_admin", true);
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_NE(unknown.json()["error"]["message"].get<std::string>().find("is_admin"),
            std::string::npos);
  EXPECT_EQ(get("/api/v1/users?q=valid1", admin).json()["total"], 1) << "only the good one exists";
}

TEST_P(AdminApiTest, ListingFiltersAndPages) {
  const auto admin = login("admin");
  auto all = get("/api/v1/users?page_size=3&page=2", admin).json();
  EXPECT_EQ(all["total"], 10);
  EXPECT_EQ(all["items"].size(), 3u);
  EXPECT_EQ(get("/api/v1/users?role=agent", admin).json()["total"], 5);
  EXPECT_EQ(get("/api/v1/users?q=%E5%BC%A0", admin).json()["total"], 1);  // 张
  const auto team2 = unit_id("话务二班", admin);
  EXPECT_EQ(get("/api/v1/users?org_unit_id=" + std::to_string(team2), admin).json()["total"], 2);
  EXPECT_EQ(get("/api/v1/users?page_size=500", admin).status, 400u);
  EXPECT_EQ(get("/api/v1/users?page=abc", admin).status, 400u);
  EXPECT_EQ(get("/api/v1/users?status=sleeping", admin).status, 400u);
  EXPECT_EQ(get("/api/v1/users/999999", admin).status, 404u);
  EXPECT_EQ(get("/api/v1/users/abc", admin).status, 404u);
}

TEST_P(AdminApiTest, RoleChangesTakeEffectAndTheLastAdminStays) {
  const auto admin = login("admin");
  auto role =
      post("/api/v1/roles",
           {{"code", "night_shift"}, {"name", "夜班"}, {"permissions", {"audit.read"}}}, admin);
  ASSERT_EQ(role.status, 201u) << role.body;
  EXPECT_EQ(post("/api/v1/roles", {{"code", "night_shift"}, {"name", "x"}}, admin).status, 409u);
  EXPECT_EQ(
      post("/api/v1/roles", {{"code", "x2"}, {"name", "x"}, {"permissions", {"no.such"}}}, admin)
          .status,
      400u);

  const auto agent = login("agent5");
  EXPECT_EQ(get("/api/v1/audit", agent).status, 403u);
  auto agent_id = get("/api/v1/users?q=agent5", admin).json()["items"][0]["id"].get<int>();
  auto changed = patch("/api/v1/users/" + std::to_string(agent_id),
                       {{"roles", {"agent", "night_shift"}}}, admin);
  ASSERT_EQ(changed.status, 200u) << changed.body;
  EXPECT_EQ(get("/api/v1/auth/me", agent).status, 401u) << "a role change ends the sessions";
  const auto again = login("agent5");
  EXPECT_EQ(get("/api/v1/audit", again).status, 200u);

  const auto role_id = role.json()["id"].get<int>();
  EXPECT_EQ(del("/api/v1/roles/" + std::to_string(role_id), admin).status, 409u) << "still held";
  auto roles = get("/api/v1/roles", admin).json()["items"];
  const auto builtin_admin = roles[0];
  ASSERT_EQ(builtin_admin["code"], "admin");
  EXPECT_EQ(patch("/api/v1/roles/" + std::to_string(builtin_admin["id"].get<int>()),
                  {{"permissions", nlohmann::json::array()}}, admin)
                .status,
            409u);
  EXPECT_EQ(del("/api/v1/roles/" + std::to_string(builtin_admin["id"].get<int>()), admin).status,
            409u);

  auto admin_id = get("/api/v1/auth/me", admin).json()["user"]["id"].get<int>();
  auto lockout =
      patch("/api/v1/users/" + std::to_string(admin_id), {{"status", "disabled"}}, admin);
  EXPECT_EQ(lockout.status, 409u) << "the last active administrator cannot be disabled";
  EXPECT_EQ(
      patch("/api/v1/users/" + std::to_string(admin_id), {{"roles", {"agent"}}}, admin).status,
      409u);
}

TEST_P(AdminApiTest, OrganisationTree) {
  const auto admin = login("admin");
  const auto centre = unit_id("12333热线服务中心", admin);
  auto team = post("/api/v1/org-units",
                   {{"parent_id", centre}, {"name", "话务三班"}, {"kind", "team"}}, admin);
  ASSERT_EQ(team.status, 201u) << team.body;
  const auto team_id = team.json()["id"].get<int>();
  EXPECT_EQ(post("/api/v1/org-units", {{"name", "x"}, {"kind", "planet"}}, admin).status, 400u);
  EXPECT_EQ(
      post("/api/v1/org-units", {{"parent_id", 99999}, {"name", "x"}, {"kind", "team"}}, admin)
          .status,
      400u);
  auto cycle =
      patch("/api/v1/org-units/" + std::to_string(centre), {{"parent_id", team_id}}, admin);
  EXPECT_EQ(cycle.status, 400u) << cycle.body;
  EXPECT_EQ(del("/api/v1/org-units/" + std::to_string(centre), admin).status, 409u);
  auto renamed =
      patch("/api/v1/org-units/" + std::to_string(team_id), {{"name", "话务三班（夜）"}}, admin);
  ASSERT_EQ(renamed.status, 200u);
  EXPECT_EQ(renamed.json()["name"], "话务三班（夜）");
  EXPECT_EQ(del("/api/v1/org-units/" + std::to_string(team_id), admin).status, 204u);
  EXPECT_EQ(get("/api/v1/audit?target_type=org_unit", admin).json()["total"], 3);
}

TEST_P(AdminApiTest, AuditorReadsTheLogAgentsDoNot) {
  const auto auditor = login("auditor1");
  auto log = get("/api/v1/audit?actor=auditor1", auditor);
  ASSERT_EQ(log.status, 200u) << log.body;
  EXPECT_GE(log.json()["total"].get<int>(), 1);
  EXPECT_EQ(get("/api/v1/audit?from=yesterday", auditor).status, 400u);
  EXPECT_EQ(get("/api/v1/audit?from=2020-01-01&to=2020-01-02", auditor).json()["total"], 0);
  EXPECT_EQ(post("/api/v1/users", {{"username", "sneaky"}}, auditor).status, 403u);
  EXPECT_EQ(get("/api/v1/audit", login("agent1")).status, 403u);
}

TEST_P(AdminApiTest, WebSocketNeedsASessionAndPushesEvents) {
  try {
    WsClient::connect("127.0.0.1", daemon_->port(), "/api/v1/ws");
    FAIL() << "an anonymous WebSocket was accepted";
  } catch (const WsRefused& refused) {
    EXPECT_EQ(refused.status, 401u);
  }
  const auto admin = login("admin");
  auto ws = WsClient::connect("127.0.0.1", daemon_->port(), "/api/v1/ws?token=" + admin);
  auto hello = ws.read_json(std::chrono::seconds(10));
  EXPECT_EQ(hello["type"], "hello");
  EXPECT_EQ(hello["data"]["user"], "admin");
  auto agent_ws = WsClient::connect("127.0.0.1", daemon_->port(), "/api/v1/ws",
                                    {{"Cookie", "hotline_session=" + login("agent1")}});
  EXPECT_EQ(agent_ws.read_json(std::chrono::seconds(10))["data"]["user"], "agent1");

  auto created = post("/api/v1/users",
                      {{"username", "wsuser"},
                       {"display_name", "W"},
                       {"password", "Secure#Pass2026"},
                       {"roles", {"agent"}}},
                      admin);
  ASSERT_EQ(created.status, 201u);
  auto event = ws.read_json(std::chrono::seconds(10));
  EXPECT_EQ(event["type"], "user.created");
  EXPECT_EQ(event["data"]["id"], created.json()["id"]);
  EXPECT_FALSE(agent_ws.try_read_json(std::chrono::milliseconds(500)).has_value())
      << "agents lack users.read and must not see user events";
}

TEST_P(AdminApiTest, MetricsOpenApiAndWebRoot) {
  const auto admin = login("admin");
  get("/api/v1/users", admin);
  auto metrics = client().get("/metrics");
  ASSERT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find("hotline_build_info{"), std::string::npos);
  EXPECT_NE(metrics.body.find("hotline_http_requests_total{"), std::string::npos);
  EXPECT_NE(metrics.body.find("route=\"/api/v1/users\""), std::string::npos);
  EXPECT_NE(metrics.body.find("hotline_http_request_duration_seconds_bucket{"), std::string::npos);

  auto doc = client().get("/api/v1/openapi.json").json();
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.", 0), 0u);
  int operations = 0;
  for (const auto& [path, methods] : doc["paths"].items())
    for (const auto& [method, operation] : methods.items()) {
      ++operations;
      EXPECT_TRUE(operation.contains("x-permission")) << method << " " << path;
    }
  EXPECT_GE(operations, 20);
  EXPECT_TRUE(doc["paths"].contains("/api/v1/users/{id}"));

  auto index = client().get("/");
  EXPECT_EQ(index.status, 200u);
  EXPECT_NE(index.header("content-type").find("text/html"), std::string::npos);
  auto deep_link = client().get("/system/users");
  EXPECT_EQ(deep_link.status, 200u) << "SPA routes fall back to index.html";
  EXPECT_EQ(deep_link.body, index.body);
}

HOTLINE_INSTANTIATE_API_TEST(AdminApiTest);

}  // namespace
}  // namespace hotline::test
