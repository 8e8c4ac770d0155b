// Hostile and broken requests get a clean 4xx and the daemon keeps serving.
#include "api_test_fixture.hpp"

namespace hotline::test {
namespace {

using boost::beast::http::verb;

class BadInputTest : public ApiTest {
 protected:
  DaemonOptions daemon_options() override {
    DaemonOptions options;
    options.config_toml = {{"http.body_limit_kib", "16"}};
    return options;
  }
  void expect_still_serving() {
    auto health = client().get("/healthz");
    ASSERT_EQ(health.status, 200u) << "the daemon stopped serving";
  }
  void expect_error(const HttpResponse& response, unsigned status, const std::string& code) {
    EXPECT_EQ(response.status, status) << response.body;
    const auto body = response.json();
    EXPECT_EQ(body["error"]["code"], code) << response.body;
    EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
  }
};

TEST_P(BadInputTest, MalformedJsonAndWrongTypes) {
  const auto admin = login("admin");
  auto headers = bearer(admin);
  headers["Content-Type"] = "application/json";
  expect_error(client().request(verb::post, "/api/v1/users", "{\"username\": ", headers), 400,
               "invalid_json");
  expect_error(client().request(verb::post, "/api/v1/users", "[1,2,3]", headers), 400,
               "invalid_json");
  expect_error(client().request(verb::post, "/api/v1/users", "", headers), 400, "invalid_json");
  expect_error(client().request(verb::post, "/api/v1/auth/login", "\xff\xfe garbage", {}), 400,
               "invalid_json");
  expect_error(client().post_json("/api/v1/auth/login", {{"username", 42}, {"password", "x"}}), 400,
               "validation_failed");
  expect_error(client().post_json("/api/v1/auth/login", {{"username", "admin"}}), 400,
               "validation_failed");
  expect_error(post("/api/v1/users", {{"username", {{"nested", true}}}}, admin), 400,
               "validation_failed");
  expect_error(patch("/api/v1/users/1", {{"roles", {1, 2}}}, admin), 400, "validation_failed");
  expect_error(patch("/api/v1/org-units/1", {{"sort_order", 1.5}}, admin), 400,
               "validation_failed");
  expect_still_serving();
}

TEST_P(BadInputTest, OversizeBodiesAreRefused) {
  const std::string huge = "{\"username\":\"" + std::string(64 * 1024, 'a') + "\"}";
  auto response = client().request(verb::post, "/api/v1/auth/login", huge,
                                   {{"Content-Type", "application/json"}});
  expect_error(response, 413, "payload_too_large");
  expect_still_serving();
}

TEST_P(BadInputTest, InjectionLookingStringsAreJustText) {
  const auto admin = login("admin");
  for (const std::string evil :
       {"' OR '1'='1", "admin'--", "x\"; DROP TABLE users; --", "%", "_"}) {
    auto login_attempt =
        client().post_json("/api/v1/auth/login", {{"username", evil}, {"password", evil}});
    EXPECT_EQ(login_attempt.status, 401u) << evil;
    auto search =
        get("/api/v1/users?q=" + std::string(evil == "%" ? "%25" : "%27%20OR%201%3D1--"), admin);
    EXPECT_EQ(search.status, 200u);
    EXPECT_EQ(search.json()["total"], 0) << evil;
  }
  auto created = post("/api/v1/org-units",
                      {{"name", "'); DROP TABLE org_units; --"}, {"kind", "team"}}, admin);
  ASSERT_EQ(created.status, 201u);
  EXPECT_EQ(created.json()["name"], "'); DROP TABLE org_units; --");
  EXPECT_EQ(get("/api/v1/users", admin).json()["total"], 10);
  expect_still_serving();
}

TEST_P(BadInputTest, UnknownRoutesMethodsAndGarbage) {
  const auto admin = login("admin");
  expect_error(get("/api/v1/no-such-thing", admin), 404, "not_found");
  expect_error(client().get("/api/v2/users"), 404, "not_found");
  auto wrong_method = client().request(verb::put, "/api/v1/users", "{}", bearer(admin));
  EXPECT_EQ(wrong_method.status, 405u);
  EXPECT_FALSE(wrong_method.header("allow").empty());
  auto garbage = client().raw_exchange("\x16\x03\x01\x02\x00 not http at all\r\n\r\n");
  EXPECT_TRUE(garbage.empty() || garbage.rfind("HTTP/1.1 400", 0) == 0) << garbage.substr(0, 100);
  auto bad_header = client().raw_exchange("GET /healthz HTTP/1.1\r\nHost x\r\n\r\n");
  EXPECT_EQ(bad_header.rfind("HTTP/1.1 400", 0), 0u) << bad_header.substr(0, 100);
  auto traversal = client().get("/../../etc/passwd");
  EXPECT_EQ(traversal.body.find("root:"), std::string::npos);
  auto long_query = get("/api/v1/audit?actor=" + std::string(4000, 'a'), admin);
  EXPECT_EQ(long_query.status, 400u);
  expect_still_serving();
}

HOTLINE_INSTANTIATE_API_TEST(BadInputTest);

}  // namespace
}  // namespace hotline::test
