#pragma once
// An in-process HttpServer on 127.0.0.1 (port 0) with a small route table, a toy
// Authenticator and a web root, for the server and WebSocket tests.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "api/http/http_server.hpp"
#include "http_client.hpp"
#include "test_dirs.hpp"
#include "ws_client.hpp"

namespace hotline::api {

// Tokens: "good" (alice, x.read), "limited" (bob, no permission), "expiring" (carol, valid
// while `expiring_valid`). Bearer header, or query `token` on WebSocket upgrades.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    web_root = dir.path() / "dist";
    write(web_root / "index.html", "<html>hotline app</html>");
    write(web_root / "assets" / "app.js", "console.log(1)");
    write(web_root / "favicon.ico", "icon");
    write(dir.path() / "secret.txt", "TOP-SECRET");
    add_routes();
    server = make_server(web_root.string());
    const auto started = server->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
  }

  void TearDown() override {
    if (server) server->stop();
  }

  std::unique_ptr<HttpServer> make_server(const std::string& root) {
    ServerOptions options{{"127.0.0.1", 0}, 1024, 2, root, 2, "9.9.9"};
    options.websocket_reauth_seconds = 1;
    return std::make_unique<HttpServer>(
        options, router, [this](const Request& r) { return authenticate(r); }, metrics, bus);
  }

  std::optional<Principal> authenticate(const Request& request) const {
    auto token = request.header(http::field::authorization);
    if (token.rfind("Bearer ", 0) == 0) {
      token = token.substr(7);
    } else if (auto query = request.query_param("token")) {
      token = *query;
    }
    if (token == "good") return Principal{1, "alice", {"x.read"}, "s1"};
    if (token == "limited") return Principal{2, "bob", {}, "s2"};
    if (token == "expiring" && expiring_valid) return Principal{3, "carol", {}, "s3"};
    return std::nullopt;
  }

  void add_routes() {
    const auto spec = [](http::verb method, std::string path, Access access) {
      RouteSpec result;
      result.method = method;
      result.path = std::move(path);
      result.access = std::move(access);
      return result;
    };
    router.add(spec(http::verb::get, "/api/v1/public", Access::public_route()), [](Request& r) {
      return Response::json({{"ok", true}, {"page", r.query_int("page").value_or(0)}});
    });
    router.add(spec(http::verb::get, "/api/v1/me", Access::authenticated()), [](Request& r) {
      return Response::json({{"user", r.user().username}, {"address", r.remote_address}});
    });
    router.add(spec(http::verb::get, "/api/v1/things/{id}", Access::permission_required("x.read")),
               [](Request& r) {
                 return Response::json({{"id", r.id_param("id")}});
               });
    router.add(
        spec(http::verb::delete_, "/api/v1/things/{id}", Access::permission_required("x.read")),
        [](Request&) { return Response::no_content(); });
    router.add(spec(http::verb::post, "/api/v1/echo", Access::public_route()),
               [](Request& r) { return Response::json(r.json_body()); });
    router.add(spec(http::verb::get, "/api/v1/fail/api", Access::public_route()),
               [](Request&) -> Response {
                 throw ApiError{409, "conflict", "already taken"};
               });
    router.add(spec(http::verb::get, "/api/v1/fail/json", Access::public_route()),
               [](Request&) -> Response {
                 const nlohmann::json number = 1;
                 return Response::json({{"x", number.get<std::string>()}});
               });
    router.add(spec(http::verb::get, "/api/v1/fail/runtime", Access::public_route()),
               [](Request&) -> Response { throw std::runtime_error("database exploded"); });
    router.add(spec(http::verb::get, "/api/v1/cookie", Access::public_route()), [](Request&) {
      auto response = Response::json({{"ok", true}});
      response.headers.emplace_back("Set-Cookie", "a=1; Path=/");
      response.headers.emplace_back("Set-Cookie", "b=2; Path=/");
      return response;
    });
    router.add(
        spec(http::verb::get, std::string(kWebSocketPath), Access::authenticated()),
        [](Request&) { return Response::error(400, "bad_request", "WebSocket upgrade required"); });
  }

  static void write(const std::filesystem::path& file, const std::string& content) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << content;
  }

  test::HttpClient client() const { return test::HttpClient("127.0.0.1", server->port()); }

  test::WsClient connect_ws(const std::string& token) const {
    return test::WsClient::connect("127.0.0.1", server->port(), std::string(kWebSocketPath),
                                   {{"Authorization", "Bearer " + token}});
  }

  static std::map<std::string, std::string> bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  TempDir dir;
  std::filesystem::path web_root;
  Router router;
  Metrics metrics;
  EventBus bus;
  std::atomic<bool> expiring_valid{true};
  std::unique_ptr<HttpServer> server;
};

}  // namespace hotline::api
