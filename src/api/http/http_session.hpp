#pragma once
// One HTTP connection: reads requests (keep-alive), dispatches them, writes responses, and
// hands the socket to a WebSocketSession on an authenticated upgrade.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "api/http/dispatcher.hpp"
#include "api/http/server_context.hpp"

namespace hotline::api {

class HttpSession : public std::enable_shared_from_this<HttpSession>, public Closable {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, ServerContext& context);
  ~HttpSession() override;
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void start();
  void shutdown() override;

 private:
  // What happens to the connection once the response is written.
  enum class After { KeepAlive, Close, Drain };

  // Bookkeeping of the request being served, for the access log and metrics.
  struct Exchange {
    std::chrono::steady_clock::time_point started;
    std::string request_id;
    std::string method;  // metrics label: a standard verb or "OTHER"
    std::string path;    // still encoded, without the query
    std::string route = "unmatched";
    std::optional<std::int64_t> user_id;
    bool api = false;
    http::verb verb = http::verb::unknown;
    unsigned version = 11;
  };

  void read_header();
  void on_header(boost::beast::error_code ec);
  void read_body();
  void on_body(boost::beast::error_code ec);
  void on_read_error(boost::beast::error_code ec);
  void handle_request();
  void handle_websocket(Request request, After after);
  void send_outcome(Outcome outcome, After after);
  void send_error(unsigned status, std::string_view code, std::string_view message, After after);

  void begin_exchange();
  void finish_exchange(unsigned status);
  void decorate(http::response_header<>& header) const;
  template <typename Body>
  void write(http::response<Body> message, After after);
  void on_write(After after, boost::beast::error_code ec);

  void drain();
  void drain_more();
  void close_now();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  ServerContext& context_;
  std::string remote_address_;
  std::optional<Exchange> exchange_;
  bool idle_ = false;  // waiting for the next request: may be closed at once on stop()
  std::uint64_t registry_id_ = 0;
  std::size_t drained_bytes_ = 0;
  std::chrono::steady_clock::time_point drain_deadline_;
  std::array<char, 8192> drain_buffer_{};
};

}  // namespace hotline::api
