#pragma once
// Blocking WebSocket client for tests.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace hotline::test {

// The server answered the upgrade request with an HTTP error.
struct WsRefused : std::runtime_error {
  WsRefused(unsigned status_in, std::string body_in)
      : std::runtime_error("websocket upgrade refused with HTTP " + std::to_string(status_in)),
        status(status_in),
        body(std::move(body_in)) {}
  unsigned status;
  std::string body;
};

// The connection ended while reading; `code` is the peer's close code (0 when none).
struct WsClosed : std::runtime_error {
  WsClosed(int code_in, const std::string& what) : std::runtime_error(what), code(code_in) {}
  int code;
};

// No message within the time asked for.
struct WsTimeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class WsClient {
 public:
  // Throws WsRefused (with the HTTP status) when the server declines the upgrade, or
  // std::runtime_error when it cannot be reached.
  static WsClient connect(const std::string& host, std::uint16_t port, const std::string& target,
                          const std::map<std::string, std::string>& headers = {});

  WsClient(WsClient&&) noexcept;
  WsClient& operator=(WsClient&&) noexcept;
  ~WsClient();

  // Next text message as JSON. Throws WsTimeout (the read stays pending, so a later call
  // still gets that message), WsClosed when the connection ends, std::runtime_error when the
  // text is not JSON.
  nlohmann::json read_json(std::chrono::milliseconds timeout);
  // Like read_json, but nullopt on timeout.
  std::optional<nlohmann::json> try_read_json(std::chrono::milliseconds timeout);
  void send_text(const std::string& text);
  // Sends a close frame (1000) and waits briefly for the server's.
  void close();
  // The peer's close code once the connection has ended, else 0.
  int close_code() const;

  // Always 0 on a connected client: refusals are thrown as WsRefused carrying the status.
  int refused_status = 0;

 private:
  struct Impl;
  explicit WsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::test
