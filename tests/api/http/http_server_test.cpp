#include <chrono>
#include <thread>

#include "server_fixture.hpp"

namespace hotline::api {
namespace {

using nlohmann::json;
namespace verb_ns = boost::beast::http;

std::string error_code_of(const test::HttpResponse& response) {
  return response.json()["error"]["code"].get<std::string>();
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

TEST_F(ServerTest, PublicRouteAnswersWithStandardHeaders) {
  const auto response = client().get("/api/v1/public?page=3");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.json(), json({{"ok", true}, {"page", 3}}));
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.header("cache-control"), "no-store");
  EXPECT_EQ(response.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(response.header("x-request-id").size(), 16u);
  EXPECT_NE(client().get("/api/v1/public").header("x-request-id"), response.header("x-request-id"));
}

TEST_F(ServerTest, QueryValidationErrors) {
  const auto response = client().get("/api/v1/public?page=abc");
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(response.json()["error"]["message"], "page must be an integer");
}

TEST_F(ServerTest, AuthenticatedRouteNeedsAPrincipal) {
  const auto anonymous = client().get("/api/v1/me");
  EXPECT_EQ(anonymous.status, 401u);
  EXPECT_EQ(error_code_of(anonymous), "unauthorized");
  EXPECT_EQ(client().get("/api/v1/me", bearer("wrong")).status, 401u);
  const auto me = client().get("/api/v1/me", bearer("limited"));
  EXPECT_EQ(me.status, 200u);
  EXPECT_EQ(me.json()["user"], "bob");
  EXPECT_EQ(me.json()["address"], "127.0.0.1");
}

TEST_F(ServerTest, PermissionRouteChecksThePermission) {
  EXPECT_EQ(client().get("/api/v1/things/7").status, 401u);
  const auto forbidden = client().get("/api/v1/things/7", bearer("limited"));
  EXPECT_EQ(forbidden.status, 403u);
  EXPECT_EQ(error_code_of(forbidden), "forbidden");
  EXPECT_NE(forbidden.json()["error"]["message"].get<std::string>().find("x.read"),
            std::string::npos);
  const auto allowed = client().get("/api/v1/things/7", bearer("good"));
  EXPECT_EQ(allowed.status, 200u);
  EXPECT_EQ(allowed.json(), json({{"id", 7}}));
  EXPECT_EQ(client().get("/api/v1/things/abc", bearer("good")).status, 404u);
}

TEST_F(ServerTest, NoContentHasNoBody) {
  const auto response =
      client().request(verb_ns::verb::delete_, "/api/v1/things/7", "", bearer("good"));
  EXPECT_EQ(response.status, 204u);
  EXPECT_TRUE(response.body.empty());
}

TEST_F(ServerTest, UnknownApiPathIsJson404) {
  const auto response = client().get("/api/v1/nothing/here");
  EXPECT_EQ(response.status, 404u);
  EXPECT_EQ(error_code_of(response), "not_found");
  EXPECT_EQ(response.header("cache-control"), "no-store");
  EXPECT_EQ(client().get("/api").status, 404u);
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  const auto response =
      client().request(verb_ns::verb::put, "/api/v1/things/7", "{}", bearer("good"));
  EXPECT_EQ(response.status, 405u);
  EXPECT_EQ(error_code_of(response), "method_not_allowed");
  EXPECT_EQ(response.header("allow"), "DELETE, GET, HEAD");
}

TEST_F(ServerTest, HeadIsAnsweredWithoutBody) {
  const auto get = client().get("/api/v1/public");
  const auto head = client().request(verb_ns::verb::head, "/api/v1/public");
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("content-length"), std::to_string(get.body.size()));
  const auto static_head = client().request(verb_ns::verb::head, "/");
  EXPECT_EQ(static_head.status, 200u);
  EXPECT_TRUE(static_head.body.empty());
  EXPECT_EQ(static_head.header("content-length"), "24");
}

TEST_F(ServerTest, JsonBodies) {
  const auto echo = client().post_json("/api/v1/echo", {{"name", "张三"}});
  EXPECT_EQ(echo.status, 200u);
  EXPECT_EQ(echo.json()["name"], "张三");
  const auto broken = client().request(verb_ns::verb::post, "/api/v1/echo", "{nope",
                                       {{"Content-Type", "application/json"}});
  EXPECT_EQ(broken.status, 400u);
  EXPECT_EQ(error_code_of(broken), "invalid_json");
  const auto array = client().request(verb_ns::verb::post, "/api/v1/echo", "[1]",
                                      {{"Content-Type", "application/json"}});
  EXPECT_EQ(error_code_of(array), "invalid_json");
}

TEST_F(ServerTest, OversizeBodyIs413AndServerKeepsServing) {
  const std::string big(4000, 'x');
  const auto response = client().request(verb_ns::verb::post, "/api/v1/echo", big,
                                         {{"Content-Type", "application/json"}});
  EXPECT_EQ(response.status, 413u);
  EXPECT_EQ(error_code_of(response), "payload_too_large");
  EXPECT_EQ(response.header("connection"), "close");
  EXPECT_EQ(client().get("/api/v1/public").status, 200u);
  // A body that fits is fine.
  EXPECT_EQ(client().post_json("/api/v1/echo", {{"a", std::string(900, 'y')}}).status, 200u);
}

TEST_F(ServerTest, MalformedRequestsGet400AndServerKeepsServing) {
  const auto garbage = client().raw_exchange("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_TRUE(starts_with(garbage, "HTTP/1.1 400")) << garbage;
  EXPECT_NE(garbage.find("bad_request"), std::string::npos) << garbage;
  const auto binary = client().raw_exchange(std::string("\x16\x03\x01\x02\x00\x01\x00\x01", 8));
  EXPECT_TRUE(binary.empty() || starts_with(binary, "HTTP/1.1 400")) << binary;
  const auto bad_escape = client().raw_exchange("GET /api/v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(starts_with(bad_escape, "HTTP/1.1 400")) << bad_escape;
  EXPECT_EQ(client().get("/api/v1/public").status, 200u);
}

TEST_F(ServerTest, HandlerExceptionsBecomeJsonErrors) {
  const auto api = client().get("/api/v1/fail/api");
  EXPECT_EQ(api.status, 409u);
  EXPECT_EQ(api.json(), json({{"error", {{"code", "conflict"}, {"message", "already taken"}}}}));

  const auto json_error = client().get("/api/v1/fail/json");
  EXPECT_EQ(json_error.status, 400u);
  EXPECT_EQ(error_code_of(json_error), "validation_failed");
  const auto message = json_error.json()["error"]["message"].get<std::string>();
  EXPECT_EQ(message.find("[json.exception"), std::string::npos) << message;
  EXPECT_NE(message.find("string"), std::string::npos) << message;

  const auto internal = client().get("/api/v1/fail/runtime");
  EXPECT_EQ(internal.status, 500u);
  EXPECT_EQ(error_code_of(internal), "internal");
  EXPECT_EQ(internal.body.find("exploded"), std::string::npos);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  const auto replies = client().raw_exchange(
      "GET /api/v1/public HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/public HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(starts_with(replies, "HTTP/1.1 200")) << replies;
  EXPECT_NE(replies.find("HTTP/1.1 404"), std::string::npos) << replies;
  EXPECT_NE(replies.rfind("HTTP/1.1 200"), 0u) << replies;
}

TEST_F(ServerTest, SetCookieHeadersAreKeptSeparate) {
  const auto response = client().get("/api/v1/cookie");
  EXPECT_EQ(response.header("set-cookie"), "a=1; Path=/\nb=2; Path=/");
}

TEST_F(ServerTest, IdleAndSlowClientsAreTimedOut) {
  const auto started = std::chrono::steady_clock::now();
  // An unfinished request: the server gives up after request_timeout_seconds (2 s here).
  const auto reply = client().raw_exchange("GET /api/v1/public HTTP/1.1\r\nHost: x\r\n");
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(reply.empty()) << reply;
  EXPECT_LT(waited, std::chrono::milliseconds(4500));
  EXPECT_GE(waited, std::chrono::milliseconds(1500));
}

TEST_F(ServerTest, StaticFilesAndSpaFallback) {
  const auto index = client().get("/");
  EXPECT_EQ(index.status, 200u);
  EXPECT_EQ(index.body, "<html>hotline app</html>");
  EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.header("cache-control"), "no-cache");
  EXPECT_EQ(index.header("x-content-type-options"), "nosniff");
  EXPECT_FALSE(index.header("x-request-id").empty());

  const auto script = client().get("/assets/app.js");
  EXPECT_EQ(script.status, 200u);
  EXPECT_EQ(script.body, "console.log(1)");
  EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.header("cache-control"), "public, max-age=31536000, immutable");

  const auto route = client().get("/tickets/42?tab=history");
  EXPECT_EQ(route.status, 200u);
  EXPECT_EQ(route.body, "<html>hotline app</html>");
  EXPECT_EQ(client().get("/assets/missing.js").status, 404u);
  EXPECT_EQ(client().get("/%61ssets/app.js").body, "console.log(1)");  // decoded path
}

TEST_F(ServerTest, NonGetOnStaticPathsIs405) {
  const auto response = client().request(verb_ns::verb::post, "/tickets", "x");
  EXPECT_EQ(response.status, 405u);
  EXPECT_EQ(response.header("allow"), "GET, HEAD");
}

TEST_F(ServerTest, PathTraversalNeverLeaks) {
  for (const auto* target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/%2e%2e/%2e%2e/etc/passwd", "/../etc/passwd",
        "/assets/..%2f..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt",
        "/%252e%252e/secret.txt", "/assets/../../secret.txt"}) {
    const auto reply = client().raw_exchange(std::string("GET ") + target +
                                             " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(reply.find("TOP-SECRET"), std::string::npos) << target;
    EXPECT_EQ(reply.find("root:"), std::string::npos) << target;
    EXPECT_FALSE(starts_with(reply, "HTTP/1.1 200")) << target << "\n" << reply;
  }
}

TEST_F(ServerTest, MissingWebUiAnswers503) {
  auto bare = make_server((dir.path() / "empty").string());
  ASSERT_TRUE(bare->start().ok());
  test::HttpClient bare_client("127.0.0.1", bare->port());
  const auto response = bare_client.get("/");
  EXPECT_EQ(response.status, 503u);
  EXPECT_NE(response.body.find("web UI not built: run ./hotline build"), std::string::npos);
  EXPECT_EQ(bare_client.get("/api/v1/public").status, 200u);
  bare->stop();
}

TEST_F(ServerTest, BindFailureNamesTheAddress) {
  ServerOptions options{{"127.0.0.1", server->port()}, 1024, 2, web_root.string(), 1, "x"};
  HttpServer second(options, router, {}, metrics, bus);
  const auto started = second.start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("127.0.0.1:" + std::to_string(server->port())),
            std::string::npos)
      << started.error().message;
}

TEST_F(ServerTest, ListensOnIpv6Loopback) {
  ServerOptions options{{"::1", 0}, 1024, 2, web_root.string(), 1, "x"};
  HttpServer v6(options, router, {}, metrics, bus);
  const auto started = v6.start();
  if (!started.ok()) GTEST_SKIP() << "no IPv6 here: " << started.error().message;
  EXPECT_EQ(test::HttpClient("::1", v6.port()).get("/api/v1/public").status, 200u);
}

TEST_F(ServerTest, RecordsMetrics) {
  ASSERT_EQ(client().get("/api/v1/things/1", bearer("good")).status, 200u);
  ASSERT_EQ(client().get("/").status, 200u);
  ASSERT_EQ(client().get("/api/v1/nope").status, 404u);
  // Recorded once the response is written, which may be just after the client has read it.
  std::string text;
  for (int i = 0; i < 100; ++i) {
    text = metrics.render();
    if (text.find("hotline_http_requests_in_flight 0") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(text.find("hotline_http_requests_total{method=\"GET\",route=\"/api/v1/things/{id}\","
                      "status=\"200\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"static\",status=\"200\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("route=\"unmatched\",status=\"404\"} 1"), std::string::npos) << text;
  EXPECT_NE(
      text.find("hotline_http_request_duration_seconds_count{route=\"/api/v1/things/{id}\"} 1"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("hotline_http_requests_in_flight 0"), std::string::npos) << text;
  EXPECT_NE(text.find("hotline_websocket_connections 0"), std::string::npos) << text;
}

TEST_F(ServerTest, StopIsIdempotentAndRefusesNewConnections) {
  const auto port = server->port();
  server->stop();
  server->stop();
  EXPECT_THROW(test::HttpClient("127.0.0.1", port, std::chrono::seconds(2)).get("/"),
               std::runtime_error);
}

}  // namespace
}  // namespace hotline::api
