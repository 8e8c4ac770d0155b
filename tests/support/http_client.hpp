#pragma once
// Blocking HTTP client for tests: one fresh connection per request, every step time-limited.
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace hotline::test {

struct HttpResponse {
  unsigned status = 0;
  std::string body;
  // Lower-case names. Repeated headers are joined with ", ", except Set-Cookie, whose values
  // (which may contain commas) are joined with "\n".
  std::map<std::string, std::string> headers;

  // The body parsed as JSON; throws std::runtime_error (quoting the body) when it is not.
  nlohmann::json json() const;
  // Header value or "" (name in any case).
  std::string header(const std::string& name) const;
};

class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port,
             std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Throws std::runtime_error when connecting fails or no response arrives in time. A body is
  // sent with Content-Length when non-empty (or for POST, PUT and PATCH).
  HttpResponse request(boost::beast::http::verb method, const std::string& target,
                       const std::string& body = "",
                       std::map<std::string, std::string> headers = {});
  HttpResponse get(const std::string& target, std::map<std::string, std::string> headers = {});
  // Sets Content-Type: application/json.
  HttpResponse post_json(const std::string& target, const nlohmann::json& body,
                         std::map<std::string, std::string> headers = {});
  // Writes `bytes` on a new connection and returns everything read until the server closes
  // it or 5 s have passed.
  std::string raw_exchange(const std::string& bytes);

  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }

 private:
  std::string host_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
};

// A port that was free on 127.0.0.1 a moment ago (the kernel's choice for port 0).
std::uint16_t free_loopback_port();

}  // namespace hotline::test
