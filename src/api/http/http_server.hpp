#pragma once
// The HTTP + WebSocket server: REST routes from a Router, the CTI WebSocket at
// kWebSocketPath and the web UI's static files.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/http/http_types.hpp"
#include "api/http/router.hpp"
#include "common/config.hpp"
#include "common/event_bus.hpp"
#include "common/metrics.hpp"
#include "common/result.hpp"

namespace hotline::api {

// Upgrade requests to this path become WebSocket sessions; it is also registered in the
// Router (GET, authenticated) so that the OpenAPI document lists it.
inline constexpr std::string_view kWebSocketPath = "/api/v1/ws";

struct ServerOptions {
  hotline::Endpoint listen;
  std::size_t body_limit_bytes = 1024 * 1024;
  int request_timeout_seconds = 30;
  std::string web_root;
  // io threads. Handlers block (database) and run on these threads, so this is also the
  // number of requests handled at once.
  int threads = 4;
  std::string version;
  // How often a WebSocket session's credentials are checked again (logout, expiry).
  int websocket_reauth_seconds = 60;
};

// Reads the session token from `Authorization: Bearer <t>`, else cookie `hotline_session`,
// else (WebSocket upgrade only) query `token`; returns the principal or nullopt. Called on the
// server's io threads; may block (database).
using Authenticator = std::function<std::optional<Principal>(const Request&)>;

struct ServerContext;

class HttpServer {
 public:
  // `router`, `metrics` and `bus` must outlive the server.
  HttpServer(ServerOptions options, const Router& router, Authenticator authenticator,
             hotline::Metrics& metrics, hotline::EventBus& bus);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds (IPv4 or IPv6; port 0 picks a free port) and starts the io threads. The error names
  // the address when binding fails.
  hotline::Status start();
  // Graceful: stops accepting, lets running requests finish, closes WebSockets (1001), joins
  // the io threads. Idempotent; must not be called from a handler.
  void stop();
  // The bound port (useful with port 0); 0 before start().
  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::api
