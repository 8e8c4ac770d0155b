#include "loopback_http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
// GCC 12 at -O2 reports a false maybe-uninitialized inside Beast's response parser
// (boost::optional in basic_parser::do_field); the warning is in Boost, not in this file.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop
#include <chrono>

namespace hotline::ivr::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct LoopbackHttpServer::Acceptor {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
};

LoopbackHttpServer::LoopbackHttpServer(Handler handler)
    : handler_(std::move(handler)), acceptor_(std::make_unique<Acceptor>()) {
  port_ = acceptor_->acceptor.local_endpoint().port();
  accept_thread_ = std::thread([this] { accept_loop(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  stopping_ = true;
  stop_signal_.notify_all();
  // Wake the blocking accept with a connection of our own.
  {
    asio::io_context io;
    tcp::socket waker(io);
    boost::system::error_code ignored;
    waker.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
  }
  accept_thread_.join();
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(mutex_);
    connections.swap(connections_);
  }
  for (auto& connection : connections) connection.join();
}

std::vector<SeenRequest> LoopbackHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int LoopbackHttpServer::request_count() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(requests_.size());
}

void LoopbackHttpServer::accept_loop() {
  while (!stopping_) {
    tcp::socket socket(acceptor_->io);
    boost::system::error_code ec;
    acceptor_->acceptor.accept(socket, ec);
    if (ec || stopping_) break;
    // Blocking calls on distinct sockets may run on distinct threads; the context never runs.
    std::lock_guard lock(mutex_);
    connections_.emplace_back(
        [this, socket = std::move(socket)]() mutable { serve(std::move(socket)); });
  }
}

void LoopbackHttpServer::serve(tcp::socket socket) {
  boost::beast::flat_buffer buffer;
  http::request<http::string_body> request;
  boost::system::error_code ec;
  http::read(socket, buffer, request, ec);
  if (ec) return;
  SeenRequest seen{
      std::string(request.method_string()), std::string(request.target()), request.body(), {}};
  for (const auto& field : request) {
    seen.headers[std::string(field.name_string())] = std::string(field.value());
  }
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(seen);
  }
  const CannedResponse canned = handler_(seen);
  if (canned.delay_ms > 0) {
    std::unique_lock lock(mutex_);
    stop_signal_.wait_for(lock, std::chrono::milliseconds(canned.delay_ms),
                          [this] { return stopping_.load(); });
  }
  if (stopping_ || canned.close_without_answer) return;
  http::response<http::string_body> response{static_cast<http::status>(canned.status), 11};
  response.set(http::field::content_type, "application/json");
  response.keep_alive(false);
  response.body() = canned.body;
  response.prepare_payload();
  http::write(socket, response, ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

unsigned short unused_loopback_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

}  // namespace hotline::ivr::testing
