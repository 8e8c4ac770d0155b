// Walks every operation of the OpenAPI document with every role (and with no session) and
// checks the answer against the operation's declared x-permission: denial is the default,
// and nothing the document does not declare may slip through.
#include <set>

#include "api_test_fixture.hpp"

namespace hotline::test {
namespace {

using boost::beast::http::verb;

verb verb_of(const std::string& method) {
  if (method == "get") return verb::get;
  if (method == "post") return verb::post;
  if (method == "put") return verb::put;
  if (method == "patch") return verb::patch;
  if (method == "delete") return verb::delete_;
  ADD_FAILURE() << "unexpected method " << method;
  return verb::unknown;
}

// Path parameters become an id that exists nowhere, so that permitted calls end in 4xx
// without changing data, and forbidden ones must still say 403 first.
std::string concrete(std::string path) {
  for (auto open = path.find('{'); open != std::string::npos; open = path.find('{')) {
    const auto close = path.find('}', open);
    path.replace(open, close - open + 1, "987654");
  }
  return path;
}

using PermissionWalkTest = ApiTest;

TEST_P(PermissionWalkTest, EveryRouteAnswersEveryRoleAsDeclared) {
  const auto doc = client().get("/api/v1/openapi.json").json();
  const std::vector<std::string> accounts = {"",       "admin", "supervisor1", "leader1",
                                             "agent1", "dept1", "auditor1"};
  int checked = 0;
  for (const auto& account : accounts) {
    std::string token = account.empty() ? "" : login(account);
    std::set<std::string> permissions;
    if (!account.empty()) {
      const auto me = get("/api/v1/auth/me", token).json();
      for (const auto& p : me["permissions"]) permissions.insert(p.get<std::string>());
    }

    for (const auto& [path, methods] : doc["paths"].items()) {
      for (const auto& [method, operation] : methods.items()) {
        const auto declared = operation.value("x-permission", std::string());
        ASSERT_FALSE(declared.empty()) << method << " " << path << " declares no permission";
        // Logging out or in would change the walker's own session; they are covered elsewhere,
        // but their declared access is still checked for the anonymous caller.
        if (path == "/api/v1/auth/logout" && !account.empty()) continue;
        std::map<std::string, std::string> headers;
        if (!token.empty()) headers = bearer(token);
        const bool with_body = method == "post" || method == "patch" || method == "put";
        if (with_body) headers["Content-Type"] = "application/json";
        auto response =
            client().request(verb_of(method), concrete(path), with_body ? "{}" : "", headers);
        const auto where = account + " " + method + " " + path + " -> " +
                           std::to_string(response.status) + " " + response.body.substr(0, 200);
        ++checked;
        if (declared == "public") {
          EXPECT_NE(response.status, 401u) << where;
          EXPECT_NE(response.status, 403u) << where;
        } else if (account.empty()) {
          EXPECT_EQ(response.status, 401u) << where;
        } else if (declared == "authenticated" || permissions.count(declared)) {
          EXPECT_NE(response.status, 401u) << where;
          EXPECT_NE(response.status, 403u) << where;
          EXPECT_LT(response.status, 500u) << where;
        } else {
          EXPECT_EQ(response.status, 403u) << where;
          if (response.status == 403u) {
            EXPECT_EQ(response.json()["error"]["code"], "forbidden") << where;
          }
        }
      }
    }
  }
  EXPECT_GE(checked, 7 * 20);
}

TEST_P(PermissionWalkTest, RolesSeeTheirExpectedPermissions) {
  auto permissions_of = [&](const std::string& user) {
    std::set<std::string> out;
    const auto me = get("/api/v1/auth/me", login(user)).json();
    for (const auto& p : me["permissions"]) out.insert(p.get<std::string>());
    return out;
  };
  EXPECT_TRUE(permissions_of("admin").count("users.manage"));
  EXPECT_TRUE(permissions_of("auditor1").count("audit.read"));
  EXPECT_FALSE(permissions_of("auditor1").count("users.manage"));
  EXPECT_FALSE(permissions_of("supervisor1").count("audit.read"));
  // Agents work calls from the soft phone bar and call back voice messages and missed calls;
  // they see no one else's state and cannot monitor.
  EXPECT_EQ(permissions_of("agent1"),
            (std::set<std::string>{"agent.work", "messages.handle", "messages.read",
                                   "missed.handle", "missed.read"}));
  EXPECT_TRUE(permissions_of("supervisor1").count("agents.monitor"));
  EXPECT_FALSE(permissions_of("leader1").count("agents.monitor"));
  EXPECT_TRUE(permissions_of("leader1").count("agents.supervise"));
  EXPECT_TRUE(permissions_of("dept1").empty());
}

HOTLINE_INSTANTIATE_API_TEST(PermissionWalkTest);

}  // namespace
}  // namespace hotline::test
