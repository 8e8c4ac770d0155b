#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

#include "io_steps.hpp"

namespace hotline::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

void connect(net::io_context& io, beast::tcp_stream& stream, const std::string& host,
             std::uint16_t port, std::chrono::milliseconds timeout) {
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(host, std::to_string(port));
  stream.expires_after(timeout);
  const auto ec = run_step(io, [&](auto handler) { stream.async_connect(endpoints, handler); });
  if (ec)
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " +
                             ec.message());
}

}  // namespace

nlohmann::json HttpResponse::json() const {
  auto value = nlohmann::json::parse(body, nullptr, false);
  if (value.is_discarded())
    throw std::runtime_error("response (status " + std::to_string(status) +
                             ") is not JSON: " + body.substr(0, 500));
  return value;
}

std::string HttpResponse::header(const std::string& name) const {
  const auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpResponse HttpClient::request(http::verb method, const std::string& target,
                                 const std::string& body,
                                 std::map<std::string, std::string> headers) {
  net::io_context io;
  beast::tcp_stream stream(io);
  connect(io, stream, host_, port_, timeout_);

  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, host_ + ":" + std::to_string(port_));
  request.set(http::field::user_agent, "hotline-test");
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == http::verb::post || method == http::verb::put ||
      method == http::verb::patch) {
    request.body() = body;
    request.prepare_payload();
  }

  stream.expires_after(timeout_);
  // A failed write is not fatal: the server may have answered early (413) and closed.
  const auto write_ec =
      run_step(io, [&](auto handler) { http::async_write(stream, request, handler); });

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == http::verb::head) parser.skip(true);
  stream.expires_after(timeout_);
  const auto read_ec =
      run_step(io, [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  if (read_ec)
    throw std::runtime_error(std::string(http::to_string(method)) + " " + target +
                             ": no response: " + read_ec.message() +
                             (write_ec ? " (write: " + write_ec.message() + ")" : ""));

  auto message = parser.release();
  HttpResponse response;
  response.status = message.result_int();
  response.body = std::move(message.body());
  for (const auto& field : message) {
    const auto name = lower(std::string(field.name_string()));
    auto& value = response.headers[name];
    if (!value.empty()) value += name == "set-cookie" ? "\n" : ", ";
    value += std::string(field.value());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return response;
}

HttpResponse HttpClient::get(const std::string& target,
                             std::map<std::string, std::string> headers) {
  return request(http::verb::get, target, "", std::move(headers));
}

HttpResponse HttpClient::post_json(const std::string& target, const nlohmann::json& body,
                                   std::map<std::string, std::string> headers) {
  headers.emplace("Content-Type", "application/json");
  return request(http::verb::post, target, body.dump(), std::move(headers));
}

std::string HttpClient::raw_exchange(const std::string& bytes) {
  net::io_context io;
  beast::tcp_stream stream(io);
  connect(io, stream, host_, port_, timeout_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  stream.expires_at(deadline);
  const auto write_ec =
      run_step(io, [&](auto handler) { net::async_write(stream, net::buffer(bytes), handler); });
  std::string received;
  std::array<char, 4096> chunk{};
  while (true) {
    std::size_t got = 0;
    stream.expires_at(deadline);
    const auto ec = run_step(io, [&](auto handler) {
      stream.async_read_some(net::buffer(chunk),
                             [&got, handler](beast::error_code read_ec, std::size_t n) mutable {
                               got = n;
                               handler(read_ec);
                             });
    });
    received.append(chunk.data(), got);
    if (ec) break;
  }
  (void)write_ec;
  return received;
}

std::uint16_t free_loopback_port() {
  net::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

}  // namespace hotline::test
