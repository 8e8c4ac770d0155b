#pragma once
// State shared by the server and its connections. Connections hold it by reference: the
// server keeps it alive until every connection has been destroyed.
#include <atomic>
#include <memory>
#include <shared_mutex>

#include "api/http/http_server.hpp"
#include "api/http/session_registry.hpp"
#include "api/http/static_files.hpp"

namespace hotline::api {

// A connection the server can ask to finish (posted to the connection's own strand).
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void shutdown() = 0;
};

class WebSocketSession;

struct ServerContext {
  ServerContext(ServerOptions options_in, const Router& router_in, Authenticator authenticator_in,
                hotline::Metrics& metrics_in)
      : options(std::move(options_in)),
        router(router_in),
        authenticator(std::move(authenticator_in)),
        metrics(metrics_in),
        static_files(options.web_root) {}

  const ServerOptions options;
  const Router& router;
  const Authenticator authenticator;
  hotline::Metrics& metrics;
  const StaticFiles static_files;

  SessionRegistry<Closable> connections;         // every live connection
  SessionRegistry<WebSocketSession> websockets;  // open WebSockets, for event fan-out
  std::atomic<bool> stopping{false};

  // Publishers fan out under a shared lock; stop() takes it exclusively once, so that no
  // event is posted to a session after the io threads are gone.
  std::shared_mutex fanout_mutex;
  bool fanout_open = true;
};

}  // namespace hotline::api
