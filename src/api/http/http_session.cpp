#include "api/http/http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <random>

#include "api/http/url.hpp"
#include "api/http/websocket_session.hpp"

namespace hotline::api {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
// After an error response the peer may still be sending; reading it before closing keeps the
// kernel from answering with a reset that would destroy our response in flight.
constexpr std::size_t kDrainLimit = 4 * 1024 * 1024;
constexpr auto kDrainTimeout = std::chrono::seconds(2);
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string make_request_id() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return fmt::format("{:016x}", generator());
}

// Labels only take standard verbs, so that junk methods cannot grow the series count.
std::string method_label(http::verb method) {
  if (method == http::verb::unknown) return "OTHER";
  return std::string(http::to_string(method));
}

std::string peer_address(const tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  return address.to_string();
}

bool is_parse_error(beast::error_code ec) {
  return ec.category() == beast::http::make_error_code(http::error::bad_target).category() &&
         ec != http::error::partial_message && ec != http::error::end_of_stream;
}

bool expects_continue(const http::request_parser<http::string_body>& parser) {
  const auto& request = parser.get();
  return request.version() >= 11 && !parser.is_done() &&
         beast::iequals(request[http::field::expect], "100-continue");
}

}  // namespace

HttpSession::HttpSession(tcp::socket socket, ServerContext& context)
    : stream_(std::move(socket)),
      context_(context),
      remote_address_(peer_address(stream_.socket())) {}

HttpSession::~HttpSession() {
  if (exchange_) context_.metrics.gauge_add("hotline_http_requests_in_flight", {}, -1);
  if (registry_id_ != 0) context_.connections.remove(registry_id_);
}

void HttpSession::start() {
  registry_id_ = context_.connections.add(weak_from_this());
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
}

void HttpSession::shutdown() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->idle_) self->close_now();
  });
}

void HttpSession::read_header() {
  // Checked after registration: stop() sets the flag before it looks at the registry.
  if (context_.stopping) return close_now();
  parser_.emplace();
  parser_->body_limit(context_.options.body_limit_bytes);
  parser_->header_limit(kHeaderLimit);
  idle_ = true;
  // One deadline for the whole request, so a client trickling bytes cannot hold a thread's
  // worth of socket forever.
  stream_.expires_after(std::chrono::seconds(context_.options.request_timeout_seconds));
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void HttpSession::on_header(beast::error_code ec) {
  idle_ = false;
  if (ec) return on_read_error(ec);
  begin_exchange();
  if (!expects_continue(*parser_)) return read_body();
  net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                   [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                     if (write_ec) return self->close_now();
                     self->read_body();
                   });
}

void HttpSession::read_body() {
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void HttpSession::on_body(beast::error_code ec) {
  if (ec) return on_read_error(ec);
  handle_request();
}

void HttpSession::on_read_error(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    if (!exchange_) begin_exchange();
    return send_error(
        413, "payload_too_large",
        fmt::format("request body exceeds {} bytes", context_.options.body_limit_bytes),
        After::Drain);
  }
  if (is_parse_error(ec)) {
    if (!exchange_) begin_exchange();
    return send_error(400, "bad_request", "malformed HTTP request", After::Drain);
  }
  // Peer closed, reset, timed out, or stop(): nothing useful can be sent.
  if (exchange_) finish_exchange(0);
  if (ec == http::error::end_of_stream) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  close_now();
}

void HttpSession::begin_exchange() {
  exchange_.emplace();
  exchange_->started = std::chrono::steady_clock::now();
  exchange_->request_id = make_request_id();
  // Whatever the parser got before an error (the method and target come first).
  const auto& request = parser_->get();
  exchange_->verb = request.method();
  exchange_->method = method_label(request.method());
  exchange_->version = request.version() == 10 ? 10 : 11;
  const auto path = split_target(request.target()).path;
  exchange_->path = path.empty() ? "-" : std::string(path);
  exchange_->api = is_api_path(path);
  context_.metrics.gauge_add("hotline_http_requests_in_flight", {}, 1);
}

void HttpSession::finish_exchange(unsigned status) {
  if (!exchange_) return;
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - exchange_->started).count();
  auto& metrics = context_.metrics;
  if (status != 0) {
    metrics.counter_add("hotline_http_requests_total", {{"method", exchange_->method},
                                                        {"route", exchange_->route},
                                                        {"status", std::to_string(status)}});
    metrics.histogram_observe("hotline_http_request_duration_seconds",
                              {{"route", exchange_->route}}, seconds,
                              {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
    // Path without query, never bodies or tokens: the access log must hold no personal data.
    spdlog::info("http {} {} {} {:.1f}ms user={} id={}", exchange_->method, exchange_->path, status,
                 seconds * 1000, exchange_->user_id ? std::to_string(*exchange_->user_id) : "-",
                 exchange_->request_id);
  }
  // Last, so that a zero gauge implies the counters above are complete.
  metrics.gauge_add("hotline_http_requests_in_flight", {}, -1);
  exchange_.reset();
}

void HttpSession::handle_request() {
  Request request;
  request.raw = parser_->release();
  request.remote_address = remote_address_;
  const auto method = request.raw.method();
  const auto after = request.raw.keep_alive() ? After::KeepAlive : After::Close;

  const auto target = split_target(request.raw.target());
  auto path = percent_decode(target.path);
  auto query = parse_query(target.query);
  if (target.path.empty() || target.path.front() != '/' || !path || !query)
    return send_error(400, "bad_request", "malformed request target", After::Close);
  request.path = std::move(*path);
  request.query = std::move(*query);

  if (request.path == kWebSocketPath && method == http::verb::get) {
    exchange_->route = std::string(kWebSocketPath);
    return handle_websocket(std::move(request), after);
  }

  // Handlers block (database), and they run right here on an io thread: the server has
  // several io threads so that a slow handler delays only its own connection, and the code
  // stays free of a second thread pool and its hand-offs.
  auto outcome = dispatch(context_, request);
  exchange_->route = outcome.route;
  if (request.principal) exchange_->user_id = request.principal->user_id;
  send_outcome(std::move(outcome), after);
}

void HttpSession::handle_websocket(Request request, After after) {
  // Authentication first, as for every non-public route: anonymous callers learn nothing.
  std::optional<Principal> principal;
  try {
    principal = authenticate(context_, request);
  } catch (const std::exception& error) {
    spdlog::error("http websocket: authentication failed: {}", error.what());
    return send_error(500, "internal", "internal server error", After::Close);
  }
  if (!principal) return send_error(401, "unauthorized", "authentication required", after);
  exchange_->user_id = principal->user_id;
  if (!beast::websocket::is_upgrade(request.raw))
    return send_error(400, "bad_request", "WebSocket upgrade required", after);
  finish_exchange(101);
  // The WebSocket has its own timeouts (handshake, idle pings).
  stream_.expires_never();
  std::make_shared<WebSocketSession>(std::move(stream_), context_, std::move(request),
                                     std::move(*principal))
      ->start();
}

void HttpSession::send_outcome(Outcome outcome, After after) {
  const bool head = exchange_->verb == http::verb::head;
  const auto version = exchange_->version;
  if (outcome.file) {
    beast::error_code ec;
    http::file_body::value_type body;
    body.open(outcome.file->file.c_str(), beast::file_mode::scan, ec);
    if (ec) return send_error(404, "not_found", "not found", after);
    const auto size = body.size();
    auto set_headers = [&](http::response_header<>& header) {
      header.result(http::status::ok);
      header.version(version);
      header.set(http::field::content_type, outcome.file->content_type);
      header.set(http::field::cache_control, outcome.file->cache_control);
    };
    if (head) {
      http::response<http::empty_body> response;
      set_headers(response);
      response.content_length(size);
      return write(std::move(response), after);
    }
    http::response<http::file_body> response;
    set_headers(response);
    response.body() = std::move(body);
    response.prepare_payload();
    return write(std::move(response), after);
  }

  auto& source = outcome.response;
  http::response<http::string_body> response;
  response.result(source.status);
  response.version(version);
  if (!source.content_type.empty()) response.set(http::field::content_type, source.content_type);
  for (const auto& [name, value] : source.headers) response.insert(name, value);
  const bool bodiless = source.status < 200 || source.status == 204 || source.status == 304;
  if (bodiless) {
    source.body.clear();
  } else {
    response.content_length(source.body.size());
    if (!head) response.body() = std::move(source.body);
  }
  write(std::move(response), after);
}

void HttpSession::send_error(unsigned status, std::string_view code, std::string_view message,
                             After after) {
  Outcome outcome;
  outcome.response = Response::error(status, code, message);
  send_outcome(std::move(outcome), after);
}

void HttpSession::decorate(http::response_header<>& header) const {
  header.set("X-Request-Id", exchange_->request_id);
  header.set("X-Content-Type-Options", "nosniff");
  header.set("X-Frame-Options", "DENY");
  if (exchange_->api && header.find(http::field::cache_control) == header.end())
    header.set(http::field::cache_control, "no-store");
}

template <typename Body>
void HttpSession::write(http::response<Body> message, After after) {
  if (context_.stopping && after == After::KeepAlive) after = After::Close;
  decorate(message);
  message.keep_alive(after == After::KeepAlive);
  const auto status = message.result_int();
  auto shared = std::make_shared<http::response<Body>>(std::move(message));
  // Counted before the write: a client that has its answer must find it in /metrics. The
  // latency is therefore the time to produce the response, not to deliver it.
  finish_exchange(status);
  stream_.expires_after(std::chrono::seconds(context_.options.request_timeout_seconds));
  http::async_write(stream_, *shared,
                    [self = shared_from_this(), shared, after](beast::error_code ec, std::size_t) {
                      self->on_write(after, ec);
                    });
}

void HttpSession::on_write(After after, beast::error_code ec) {
  if (ec) return close_now();
  if (after == After::KeepAlive && !context_.stopping) return read_header();
  if (after == After::Drain) return drain();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

void HttpSession::drain() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  drain_deadline_ = std::chrono::steady_clock::now() + kDrainTimeout;
  drain_more();
}

void HttpSession::drain_more() {
  stream_.expires_at(drain_deadline_);
  stream_.async_read_some(net::buffer(drain_buffer_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                            self->drained_bytes_ += bytes;
                            if (ec || self->drained_bytes_ > kDrainLimit) return self->close_now();
                            self->drain_more();
                          });
}

void HttpSession::close_now() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace hotline::api
