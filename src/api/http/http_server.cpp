#include "api/http/http_server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <thread>
#include <vector>

#include "api/http/http_session.hpp"
#include "api/http/server_context.hpp"
#include "api/http/websocket_session.hpp"

namespace hotline::api {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Running requests get this long to finish on stop() before the io threads are stopped.
constexpr auto kStopGrace = std::chrono::seconds(5);
// After an accept error (e.g. out of file descriptors) wait before trying again.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

std::string format_address(const Endpoint& endpoint) {
  if (endpoint.host.find(':') != std::string::npos)
    return fmt::format("[{}]:{}", endpoint.host, endpoint.port);
  return fmt::format("{}:{}", endpoint.host, endpoint.port);
}

void describe_metrics(Metrics& metrics) {
  metrics.describe("hotline_http_requests_total", "counter", "HTTP requests answered");
  metrics.describe("hotline_http_request_duration_seconds", "histogram",
                   "Time from request headers to response written");
  metrics.describe("hotline_http_requests_in_flight", "gauge", "HTTP requests being served");
  metrics.describe("hotline_websocket_connections", "gauge", "Open WebSocket connections");
  // Adding zero makes the series visible from the start without resetting a shared gauge.
  metrics.gauge_add("hotline_http_requests_in_flight", {}, 0);
  metrics.gauge_add("hotline_websocket_connections", {}, 0);
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions options, const Router& router, Authenticator authenticator, Metrics& metrics,
       EventBus& bus_in)
      : context(std::make_shared<ServerContext>(std::move(options), router,
                                                std::move(authenticator), metrics)),
        bus(bus_in),
        io(std::max(1, context->options.threads)),
        acceptor(net::make_strand(io)),
        accept_retry(acceptor.get_executor()) {}

  void accept_next();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void publish(const Event& event);

  // Declared first so it is destroyed last: handlers still queued in `io` reference it.
  std::shared_ptr<ServerContext> context;
  EventBus& bus;
  net::io_context io;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  std::vector<std::thread> threads;
  EventBus::Subscription subscription;
  std::uint16_t port = 0;
  bool started = false;
  bool stopped = false;
};

void HttpServer::Impl::accept_next() {
  acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
  if (ec) {
    spdlog::warn("http accept failed: {}", ec.message());
    accept_retry.expires_after(kAcceptRetryDelay);
    accept_retry.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor.is_open()) accept_next();
    });
    return;
  }
  std::make_shared<HttpSession>(std::move(socket), *context)->start();
  accept_next();
}

HttpServer::HttpServer(ServerOptions options, const Router& router, Authenticator authenticator,
                       Metrics& metrics, EventBus& bus)
    : impl_(std::make_unique<Impl>(std::move(options), router, std::move(authenticator), metrics,
                                   bus)) {
  describe_metrics(metrics);
}

HttpServer::~HttpServer() {
  stop();
}

std::uint16_t HttpServer::port() const {
  return impl_->port;
}

Status HttpServer::start() {
  auto& impl = *impl_;
  const auto& listen = impl.context->options.listen;
  if (impl.started) return Error{"already_started", "the HTTP server is already running"};
  const auto fail = [&](const std::string& why) {
    return Error{"bind_failed",
                 fmt::format("cannot listen on {}: {}", format_address(listen), why)};
  };

  beast::error_code ec;
  tcp::endpoint endpoint;
  const auto address = net::ip::make_address(listen.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, listen.port);
  } else {
    tcp::resolver resolver(impl.io);
    const auto results =
        resolver.resolve(listen.host, std::to_string(listen.port), tcp::resolver::passive, ec);
    if (ec || results.empty()) return fail(ec ? ec.message() : "host not found");
    endpoint = results.begin()->endpoint();
  }
  impl.acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail(ec.message());
  impl.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
    return fail(ec.message());
  }
  impl.port = impl.acceptor.local_endpoint(ec).port();

  // Serialise each event once; sessions filter by permission on their own strands.
  impl.subscription = impl.bus.subscribe([context = impl.context](const Event& event) {
    std::shared_lock lock(context->fanout_mutex);
    if (!context->fanout_open) return;
    auto text = std::make_shared<const std::string>(
        nlohmann::json{{"type", event.type}, {"data", event.data}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace));
    for (const auto& session : context->websockets.snapshot())
      session->deliver(text, event.required_permission, event.user);
  });

  impl.started = true;
  net::dispatch(impl.acceptor.get_executor(), [&impl] { impl.accept_next(); });
  const int thread_count = std::max(1, impl.context->options.threads);
  for (int i = 0; i < thread_count; ++i) {
    impl.threads.emplace_back([&impl] {
      while (true) {
        try {
          impl.io.run();
          return;
        } catch (const std::exception& error) {
          spdlog::error("http io thread: {}", error.what());
        }
      }
    });
  }
  spdlog::info("http listening on {} ({} threads)", format_address({listen.host, impl.port}),
               thread_count);
  return ok_status();
}

void HttpServer::stop() {
  auto& impl = *impl_;
  if (!impl.started || impl.stopped) return;
  impl.stopped = true;
  auto& context = *impl.context;
  {
    std::unique_lock lock(context.fanout_mutex);
    context.fanout_open = false;
  }
  impl.subscription.reset();
  context.stopping = true;
  // Closed on its strand, and waited for, so no connection is accepted after this point.
  std::promise<void> acceptor_closed;
  net::post(impl.acceptor.get_executor(), [&impl, &acceptor_closed] {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
    impl.accept_retry.cancel();
    acceptor_closed.set_value();
  });
  acceptor_closed.get_future().wait();
  for (const auto& connection : context.connections.snapshot()) connection->shutdown();
  if (!context.connections.wait_until_empty(kStopGrace))
    spdlog::warn("http stop: connections still open after {} s, cutting them", kStopGrace.count());
  impl.io.stop();
  for (auto& thread : impl.threads) thread.join();
  impl.threads.clear();
  spdlog::info("http server stopped");
}

}  // namespace hotline::api
