#pragma once
// One CTI WebSocket: forwards bus events the principal may see, answers pings, and checks
// the session's credentials again periodically. All its state lives on its strand.
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/http/server_context.hpp"

namespace hotline::api {

class WebSocketSession : public std::enable_shared_from_this<WebSocketSession>, public Closable {
 public:
  // Beyond this many queued messages the client is too slow and is disconnected, so that a
  // stuck browser never holds memory or publishers hostage.
  static constexpr std::size_t kMaxQueuedMessages = 1024;
  static constexpr std::size_t kMaxIncomingBytes = 64 * 1024;
  static constexpr std::uint16_t kCloseSessionEnded = 4401;

  WebSocketSession(boost::beast::tcp_stream stream, ServerContext& context, Request upgrade,
                   Principal principal);
  ~WebSocketSession() override;
  WebSocketSession(const WebSocketSession&) = delete;
  WebSocketSession& operator=(const WebSocketSession&) = delete;

  // Completes the upgrade handshake.
  void start();
  // Any thread: queues `text` if the principal holds `required_permission` (empty: everyone)
  // and, when `user` is set, is that user.
  void deliver(std::shared_ptr<const std::string> text, std::string required_permission,
               std::optional<std::int64_t> user = std::nullopt);
  // Any thread: closes with 1001 (server going away).
  void shutdown() override;

 private:
  void on_accept(boost::beast::error_code ec);
  void read_next();
  void on_read(boost::beast::error_code ec);
  void run_command(const nlohmann::json& message);
  void reply(const nlohmann::json& id, unsigned status, const std::string& body);
  void enqueue(std::shared_ptr<const std::string> text);
  void write_next();
  void close_with(const boost::beast::websocket::close_reason& reason);
  void schedule_reauthentication();
  void reauthenticate();
  void end();

  boost::beast::websocket::stream<boost::beast::tcp_stream> socket_;
  ServerContext& context_;
  Request upgrade_;  // kept to re-run the Authenticator with the original credentials
  Principal principal_;
  boost::beast::flat_buffer incoming_;
  std::deque<std::shared_ptr<const std::string>> outgoing_;
  boost::asio::steady_timer reauth_timer_;
  boost::asio::steady_timer teardown_timer_;
  bool open_ = false;
  bool writing_ = false;
  bool closing_ = false;
  std::uint64_t connection_id_ = 0;
  std::uint64_t websocket_id_ = 0;
};

}  // namespace hotline::api
