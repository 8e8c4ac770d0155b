#include "ws_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "io_steps.hpp"

namespace hotline::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

struct WsClient::Impl {
  net::io_context io;
  websocket::stream<beast::tcp_stream> socket{io};
  beast::flat_buffer buffer;
  bool read_pending = false;
  bool read_done = false;
  beast::error_code read_error;
  bool ended = false;

  // Runs the io_context until `done()` or the deadline; true when done.
  template <typename Done>
  bool run_until(Done done, std::chrono::steady_clock::time_point deadline) {
    while (!done()) {
      io.restart();
      if (io.run_one_until(deadline) == 0 &&
          (io.stopped() || std::chrono::steady_clock::now() >= deadline))
        return done();
    }
    return true;
  }
};

WsClient::WsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WsClient::WsClient(WsClient&&) noexcept = default;
WsClient& WsClient::operator=(WsClient&&) noexcept = default;

WsClient::~WsClient() {
  if (!impl_) return;
  beast::error_code ignored;
  beast::get_lowest_layer(impl_->socket).socket().close(ignored);
}

WsClient WsClient::connect(const std::string& host, std::uint16_t port, const std::string& target,
                           const std::map<std::string, std::string>& headers) {
  auto impl = std::make_unique<Impl>();
  auto& layer = beast::get_lowest_layer(impl->socket);
  tcp::resolver resolver(impl->io);
  const auto endpoints = resolver.resolve(host, std::to_string(port));
  layer.expires_after(std::chrono::seconds(10));
  if (const auto ec =
          run_step(impl->io, [&](auto handler) { layer.async_connect(endpoints, handler); }))
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " +
                             ec.message());

  impl->socket.set_option(
      websocket::stream_base::decorator([headers](websocket::request_type& request) {
        for (const auto& [name, value] : headers) request.set(name, value);
      }));
  websocket::response_type response;
  layer.expires_after(std::chrono::seconds(10));
  const auto ec = run_step(impl->io, [&](auto handler) {
    impl->socket.async_handshake(response, host + ":" + std::to_string(port), target, handler);
  });
  if (ec == websocket::error::upgrade_declined)
    throw WsRefused(response.result_int(), response.body());
  if (ec) throw std::runtime_error("websocket handshake failed: " + ec.message());
  layer.expires_never();
  impl->socket.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  return WsClient(std::move(impl));
}

std::optional<nlohmann::json> WsClient::try_read_json(std::chrono::milliseconds timeout) {
  auto& impl = *impl_;
  if (impl.ended) throw WsClosed(close_code(), "websocket already closed");
  if (!impl.read_pending) {
    impl.read_pending = true;
    impl.read_done = false;
    impl.socket.async_read(impl.buffer, [&impl](beast::error_code ec, std::size_t) {
      impl.read_error = ec;
      impl.read_done = true;
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (!impl.run_until([&impl] { return impl.read_done; }, deadline)) return std::nullopt;
  impl.read_pending = false;
  if (impl.read_error) {
    impl.ended = true;
    throw WsClosed(close_code(), "websocket closed: " + impl.read_error.message() + " (code " +
                                     std::to_string(close_code()) + ")");
  }
  const auto text = beast::buffers_to_string(impl.buffer.data());
  impl.buffer.consume(impl.buffer.size());
  auto value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) throw std::runtime_error("websocket message is not JSON: " + text);
  return value;
}

nlohmann::json WsClient::read_json(std::chrono::milliseconds timeout) {
  auto value = try_read_json(timeout);
  if (!value)
    throw WsTimeout("no websocket message within " + std::to_string(timeout.count()) + " ms");
  return std::move(*value);
}

void WsClient::send_text(const std::string& text) {
  auto& impl = *impl_;
  bool done = false;
  beast::error_code error;
  impl.socket.text(true);
  impl.socket.async_write(net::buffer(text), [&](beast::error_code ec, std::size_t) {
    error = ec;
    done = true;
  });
  if (!impl.run_until([&done] { return done; },
                      std::chrono::steady_clock::now() + std::chrono::seconds(10)))
    throw std::runtime_error("websocket write timed out");
  if (error) throw std::runtime_error("websocket write failed: " + error.message());
}

void WsClient::close() {
  auto& impl = *impl_;
  if (impl.ended) return;
  bool done = false;
  impl.socket.async_close(websocket::close_code::normal,
                          [&done](beast::error_code) { done = true; });
  impl.run_until([&done] { return done; },
                 std::chrono::steady_clock::now() + std::chrono::seconds(5));
  impl.ended = true;
}

int WsClient::close_code() const {
  return impl_ ? impl_->socket.reason().code : 0;
}

}  // namespace hotline::test
