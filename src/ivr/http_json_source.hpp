#pragma once
// A data source that asks an HTTP service for JSON (e.g. the bureau's card-progress system).
// Configured from JSON (docs/ivr_support.md):
//   {"name": "card_progress",
//    "url": "http://10.1.2.3:8080/api/cards/{id_number}?type=progress",
//    "method": "GET" | "POST", "body": {"idNo": "{id_number}"},      (POST only)
//    "headers": {"X-Api-Key": "..."}, "timeout_ms": 3000, "max_concurrent": 20,
//    "fields": {"status": "/data/status",
//               "expected_date": {"pointer": "/data/expectedDate", "optional": true}},
//    "not_found": {"http_404": true, "pointer": "/data"},
//    "circuit_breaker": {"failure_threshold": 5, "cool_down_ms": 30000}}
// The source owns an I/O thread with its own io_context; results are delivered on it.
// Destroying the source ends every pending request with "unavailable" and joins the thread.
// http:// only (the service sits on the bureau's LAN); https is not supported yet.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "ivr/circuit_breaker.hpp"
#include "ivr/data_source.hpp"

namespace hotline::ivr {

struct HttpJsonSourceConfig {
  struct FieldMapping {
    std::string name;
    nlohmann::json::json_pointer pointer;
    bool required = true;
  };

  std::string name = "http_source";  // for logs
  std::string host;
  std::string port = "80";
  std::string target_template = "/";  // path and query, with {param} placeholders
  std::string method = "GET";
  std::optional<nlohmann::json> body_template;  // POST: strings may hold {param} placeholders
  std::vector<std::pair<std::string, std::string>> headers;
  int timeout_ms = 3000;
  int max_concurrent = 20;
  std::vector<FieldMapping> fields;
  bool not_found_on_404 = true;
  std::optional<nlohmann::json::json_pointer> not_found_pointer;
  CircuitBreaker::Settings breaker;
};

Result<HttpJsonSourceConfig> parse_http_json_source_config(const nlohmann::json& json);

// "%XX"-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);

class HttpJsonSource : public DataSource {
 public:
  explicit HttpJsonSource(HttpJsonSourceConfig config,
                          CircuitBreaker::Clock breaker_clock = now_ms);
  ~HttpJsonSource() override;
  HttpJsonSource(const HttpJsonSource&) = delete;
  HttpJsonSource& operator=(const HttpJsonSource&) = delete;

  static Result<std::unique_ptr<HttpJsonSource>> from_json(const nlohmann::json& json);

  void query(const std::map<std::string, std::string>& params,
             std::function<void(QueryResult)> done) override;

  CircuitBreaker::State breaker_state() const;
  int requests_in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::ivr
