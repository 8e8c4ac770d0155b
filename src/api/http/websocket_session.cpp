#include "api/http/websocket_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "api/http/dispatcher.hpp"

namespace hotline::api {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;

namespace {

constexpr auto kHandshakeTimeout = std::chrono::seconds(30);
// Beast pings after this long without traffic and drops the peer after twice as long.
constexpr auto kIdleTimeout = std::chrono::seconds(30);
// A close handshake the peer never answers (or a write it never reads) ends here.
constexpr auto kTeardownTimeout = std::chrono::seconds(5);
constexpr const char* kGaugeName = "hotline_websocket_connections";

std::string to_text(const nlohmann::json& message) {
  return message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

WebSocketSession::WebSocketSession(beast::tcp_stream stream, ServerContext& context,
                                   Request upgrade, Principal principal)
    : socket_(std::move(stream)),
      context_(context),
      upgrade_(std::move(upgrade)),
      principal_(std::move(principal)),
      reauth_timer_(socket_.get_executor()),
      teardown_timer_(socket_.get_executor()) {}

WebSocketSession::~WebSocketSession() {
  if (open_) context_.metrics.gauge_add(kGaugeName, {}, -1);
  if (websocket_id_ != 0) context_.websockets.remove(websocket_id_);
  if (connection_id_ != 0) context_.connections.remove(connection_id_);
}

void WebSocketSession::start() {
  connection_id_ = context_.connections.add(weak_from_this());
  socket_.set_option(websocket::stream_base::timeout{kHandshakeTimeout, kIdleTimeout, true});
  socket_.read_message_max(kMaxIncomingBytes);
  socket_.async_accept(upgrade_.raw,
                       [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) {
    spdlog::info("websocket handshake failed: {}", ec.message());
    return;
  }
  open_ = true;
  context_.metrics.gauge_add(kGaugeName, {}, 1);
  if (context_.stopping) return close_with({websocket::close_code::going_away, "server stopping"});
  websocket_id_ = context_.websockets.add(weak_from_this());
  spdlog::info("websocket open user={}", principal_.user_id);
  enqueue(std::make_shared<const std::string>(to_text(
      {{"type", "hello"},
       {"data", {{"user", principal_.username}, {"server_version", context_.options.version}}}})));
  schedule_reauthentication();
  read_next();
}

void WebSocketSession::deliver(std::shared_ptr<const std::string> text,
                               std::string required_permission, std::optional<std::int64_t> user) {
  net::post(socket_.get_executor(), [self = shared_from_this(), text = std::move(text),
                                     permission = std::move(required_permission), user]() mutable {
    // Checked on the strand: re-authentication may change the permissions.
    if (!permission.empty() && !self->principal_.has(permission)) return;
    if (user && self->principal_.user_id != *user) return;
    self->enqueue(std::move(text));
  });
}

void WebSocketSession::shutdown() {
  net::post(socket_.get_executor(), [self = shared_from_this()] {
    if (self->open_) self->close_with({websocket::close_code::going_away, "server stopping"});
  });
}

void WebSocketSession::read_next() {
  socket_.async_read(incoming_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_read(ec);
  });
}

void WebSocketSession::on_read(beast::error_code ec) {
  if (ec) return end();  // closed by either side, too big, or timed out: Beast closed it
  if (socket_.got_text()) {
    const auto message =
        nlohmann::json::parse(beast::buffers_to_string(incoming_.data()), nullptr, false);
    // Unknown messages are ignored.
    if (message.is_object() && message.value("type", nlohmann::json()) == "ping")
      enqueue(std::make_shared<const std::string>(to_text({{"type", "pong"}})));
    else if (message.is_object())
      run_command(message);
  }
  incoming_.consume(incoming_.size());
  read_next();
}

// The CTI commands (docs/cti.md) are the REST calls of the same name, run with the socket's own
// credentials, so that permissions, validation and auditing are the REST routes' own.
void WebSocketSession::run_command(const nlohmann::json& message) {
  const auto type = message.value("type", std::string());
  const auto id = message.contains("id") ? message["id"] : nlohmann::json(nullptr);
  Request request = upgrade_;
  request.path_params.clear();
  request.principal.reset();
  nlohmann::json body = nlohmann::json::object();
  if (type == "agent.state") {
    request.raw.method(http::verb::put);
    request.path = "/api/v1/agents/" + principal_.username + "/state";
    body["state"] = message.value("state", nlohmann::json(""));
    if (message.contains("reason")) body["reason"] = message["reason"];
  } else if (type == "agent.call") {
    const auto action = message.value("action", nlohmann::json(""));
    if (!action.is_string() || action.get<std::string>().empty() ||
        action.get<std::string>().find('/') != std::string::npos)
      return reply(id, 400, R"({"error":{"code":"validation_failed","message":"action"}})");
    request.raw.method(http::verb::post);
    request.path = "/api/v1/agents/me/call/" + action.get<std::string>();
    for (const char* field : {"target", "digits", "number"})
      if (message.contains(field)) body[field] = message[field];
  } else {
    return;
  }
  request.raw.target(request.path);
  // A socket opened with ?token= carries it as a bearer token: the command is no upgrade.
  if (auto token = upgrade_.query_param("token");
      token && request.header(http::field::authorization).empty())
    request.raw.set(http::field::authorization, "Bearer " + *token);
  request.raw.set(http::field::content_type, "application/json");
  request.raw.body() = body.dump();
  request.raw.prepare_payload();
  const auto outcome = dispatch(context_, request);
  reply(id, outcome.response.status, outcome.response.body);
}

void WebSocketSession::reply(const nlohmann::json& id, unsigned status, const std::string& body) {
  nlohmann::json answer = {{"type", "reply"}, {"id", id}, {"ok", status < 300}, {"status", status}};
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (status >= 300) {
    answer["error"] = parsed.is_object() && parsed.contains("error") ? parsed["error"] : parsed;
  } else if (!parsed.is_discarded()) {
    answer["data"] = parsed;
  }
  enqueue(std::make_shared<const std::string>(to_text(answer)));
}

void WebSocketSession::enqueue(std::shared_ptr<const std::string> text) {
  if (closing_) return;
  if (outgoing_.size() >= kMaxQueuedMessages) {
    spdlog::warn("websocket user={}: client too slow, closing", principal_.user_id);
    return close_with({websocket::close_code::policy_error, "too slow"});
  }
  outgoing_.push_back(std::move(text));
  if (!writing_) write_next();
}

void WebSocketSession::write_next() {
  if (outgoing_.empty() || closing_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  auto text = outgoing_.front();
  socket_.text(true);
  socket_.async_write(net::buffer(*text),
                      [self = shared_from_this(), text](beast::error_code ec, std::size_t) {
                        if (ec) {
                          self->writing_ = false;
                          self->outgoing_.clear();
                          return;
                        }
                        if (!self->outgoing_.empty()) self->outgoing_.pop_front();
                        self->write_next();
                      });
}

void WebSocketSession::close_with(const websocket::close_reason& reason) {
  if (closing_) return;
  closing_ = true;
  outgoing_.clear();
  reauth_timer_.cancel();
  socket_.async_close(reason, [self = shared_from_this()](beast::error_code) {});
  // If the peer reads nothing, the close frame may never leave: cut the TCP connection then.
  teardown_timer_.expires_after(kTeardownTimeout);
  teardown_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) beast::get_lowest_layer(self->socket_).close();
  });
}

void WebSocketSession::schedule_reauthentication() {
  reauth_timer_.expires_after(std::chrono::seconds(context_.options.websocket_reauth_seconds));
  reauth_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec && !self->closing_) self->reauthenticate();
  });
}

void WebSocketSession::reauthenticate() {
  try {
    auto principal = context_.authenticator ? context_.authenticator(upgrade_) : std::nullopt;
    if (!principal) {
      spdlog::info("websocket user={}: session ended, closing", principal_.user_id);
      // 4401: application-defined code the web UI maps to "log in again".
      return close_with({static_cast<websocket::close_code>(kCloseSessionEnded), "session ended"});
    }
    principal_ = std::move(*principal);
  } catch (const std::exception& error) {
    // A database hiccup is no reason to drop agents: try again next round.
    spdlog::warn("websocket user={}: re-authentication failed: {}", principal_.user_id,
                 error.what());
  }
  schedule_reauthentication();
}

void WebSocketSession::end() {
  closing_ = true;
  outgoing_.clear();
  reauth_timer_.cancel();
  teardown_timer_.cancel();
}

}  // namespace hotline::api
