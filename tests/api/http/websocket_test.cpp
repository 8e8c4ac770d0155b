#include <chrono>
#include <thread>

#include "server_fixture.hpp"

namespace hotline::api {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

TEST_F(ServerTest, WebSocketRefusesWithoutAuthentication) {
  try {
    (void)test::WsClient::connect("127.0.0.1", server->port(), std::string(kWebSocketPath));
    FAIL() << "upgrade accepted without a session";
  } catch (const test::WsRefused& refused) {
    EXPECT_EQ(refused.status, 401u);
    EXPECT_NE(refused.body.find("unauthorized"), std::string::npos) << refused.body;
  }
  EXPECT_THROW(connect_ws("wrong"), test::WsRefused);
}

TEST_F(ServerTest, WebSocketSaysHelloAndAnswersPing) {
  auto ws = connect_ws("good");
  EXPECT_EQ(ws.read_json(5s),
            json({{"type", "hello"}, {"data", {{"user", "alice"}, {"server_version", "9.9.9"}}}}));
  ws.send_text(R"({"type":"something-else"})");
  ws.send_text("not json at all");
  ws.send_text(R"({"type":"ping"})");
  EXPECT_EQ(ws.read_json(5s), json({{"type", "pong"}}));
  ws.close();
}

TEST_F(ServerTest, WebSocketAcceptsTokenInQuery) {
  auto ws = test::WsClient::connect("127.0.0.1", server->port(),
                                    std::string(kWebSocketPath) + "?token=limited");
  EXPECT_EQ(ws.read_json(5s)["data"]["user"], "bob");
}

TEST_F(ServerTest, PlainGetOnWebSocketPathIs400) {
  EXPECT_EQ(client().get(std::string(kWebSocketPath)).status, 401u);
  const auto response = client().get(std::string(kWebSocketPath), bearer("good"));
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(response.json()["error"]["code"], "bad_request");
  EXPECT_EQ(response.json()["error"]["message"], "WebSocket upgrade required");
}

TEST_F(ServerTest, EventsAreForwardedByPermission) {
  auto alice = connect_ws("good");
  auto bob = connect_ws("limited");
  ASSERT_EQ(alice.read_json(5s)["type"], "hello");
  ASSERT_EQ(bob.read_json(5s)["type"], "hello");

  bus.publish({"secret.changed", {{"id", 1}}, "x.read"});
  bus.publish({"ticket.updated", {{"id", 2}, {"state", "open"}}, ""});

  EXPECT_EQ(alice.read_json(5s), json({{"type", "secret.changed"}, {"data", {{"id", 1}}}}));
  EXPECT_EQ(alice.read_json(5s)["type"], "ticket.updated");
  // Per-session order is kept, so bob's next message proves the first one was withheld.
  EXPECT_EQ(bob.read_json(5s),
            json({{"type", "ticket.updated"}, {"data", {{"id", 2}, {"state", "open"}}}}));
  EXPECT_FALSE(bob.try_read_json(300ms).has_value());
}

TEST_F(ServerTest, WebSocketGaugeCountsOpenSessions) {
  {
    auto ws = connect_ws("good");
    ASSERT_EQ(ws.read_json(5s)["type"], "hello");
    EXPECT_NE(metrics.render().find("hotline_websocket_connections 1\n"), std::string::npos);
    ws.close();
  }
  for (int i = 0; i < 100; ++i) {
    if (metrics.render().find("hotline_websocket_connections 0\n") != std::string::npos) return;
    std::this_thread::sleep_for(20ms);
  }
  FAIL() << metrics.render();
}

TEST_F(ServerTest, OversizeWebSocketMessageClosesTheSocket) {
  auto ws = connect_ws("good");
  ASSERT_EQ(ws.read_json(5s)["type"], "hello");
  ws.send_text(std::string(70 * 1024, 'x'));
  try {
    (void)ws.read_json(5s);
    FAIL() << "still open";
  } catch (const test::WsClosed& closed) {
    EXPECT_EQ(closed.code, 1009);  // message too big
  }
}

TEST_F(ServerTest, EndedSessionClosesWebSocketWith4401) {
  auto ws = connect_ws("expiring");
  ASSERT_EQ(ws.read_json(5s)["type"], "hello");
  // Re-authentication runs every second here; the session is still valid at first.
  EXPECT_FALSE(ws.try_read_json(1500ms).has_value());
  expiring_valid = false;
  try {
    (void)ws.read_json(5s);
    FAIL() << "still open";
  } catch (const test::WsClosed& closed) {
    EXPECT_EQ(closed.code, 4401);
  }
}

TEST_F(ServerTest, StopClosesWebSocketsAsGoingAway) {
  auto ws = connect_ws("good");
  ASSERT_EQ(ws.read_json(5s)["type"], "hello");
  std::thread stopper([this] { server->stop(); });
  try {
    (void)ws.read_json(10s);
    ADD_FAILURE() << "still open";
  } catch (const test::WsClosed& closed) {
    EXPECT_EQ(closed.code, 1001);
  }
  stopper.join();
}

}  // namespace
}  // namespace hotline::api
