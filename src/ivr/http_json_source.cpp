#include "ivr/http_json_source.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
// GCC 12 at -O2 reports a false maybe-uninitialized inside Beast's response parser
// (boost::optional in basic_parser::do_field); the warning is in Boost, not in this file.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop
#include <chrono>
#include <cstdint>
#include <thread>
#include <unordered_map>

namespace hotline::ivr {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint64_t kResponseBodyLimit = 1024 * 1024;

Error config_error(std::string message) {
  return Error{"bad_config", std::move(message)};
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

Result<nlohmann::json::json_pointer> parse_pointer(const nlohmann::json& value,
                                                   const std::string& where) {
  if (!value.is_string()) return config_error(where + ": a JSON pointer string is expected");
  const std::string text = value.get<std::string>();
  if (!text.empty() && text.front() != '/') {
    return config_error(where + ": JSON pointer '" + text + "' must start with '/'");
  }
  try {
    return nlohmann::json::json_pointer(text);
  } catch (const nlohmann::json::exception&) {
    return config_error(where + ": '" + text + "' is not a valid JSON pointer");
  }
}

// Replaces {name} placeholders with `encode(value)`. Fails with the name of a placeholder
// that has no parameter (the name is configuration, never personal data).
Result<std::string> substitute(std::string_view text,
                               const std::map<std::string, std::string>& params, bool url_encoded) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') {
      out += text[i];
      continue;
    }
    const auto close = text.find('}', i);
    if (close == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    const std::string name(text.substr(i + 1, close - i - 1));
    const auto found = params.find(name);
    if (found == params.end()) return Error{"bad_request", "parameter '" + name + "' missing"};
    out += url_encoded ? url_encode(found->second) : found->second;
    i = close;
  }
  return out;
}

Result<nlohmann::json> substitute_json(const nlohmann::json& body,
                                       const std::map<std::string, std::string>& params) {
  if (body.is_string()) {
    auto text = substitute(body.get<std::string>(), params, false);
    if (!text) return text.error();
    return nlohmann::json(std::move(*text));
  }
  if (body.is_array() || body.is_object()) {
    nlohmann::json copy = body;
    for (auto& item : copy) {
      auto replaced = substitute_json(item, params);
      if (!replaced) return replaced.error();
      item = std::move(*replaced);
    }
    return copy;
  }
  return body;
}

bool is_empty_value(const nlohmann::json& value) {
  return value.is_null() ||
         ((value.is_string() || value.is_array() || value.is_object()) && value.empty());
}

QueryResult error_result(std::string code, std::string detail) {
  QueryResult result;
  result.outcome = QueryResult::Outcome::error;
  result.error_code = std::move(code);
  result.error_detail = std::move(detail);
  return result;
}

}  // namespace

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

Result<HttpJsonSourceConfig> parse_http_json_source_config(const nlohmann::json& json) {
  if (!json.is_object()) return config_error("the source configuration must be a JSON object");
  HttpJsonSourceConfig config;
  if (json.contains("name")) {
    if (!json["name"].is_string()) return config_error("name must be a string");
    config.name = json["name"].get<std::string>();
  }
  if (!json.contains("url") || !json["url"].is_string()) return config_error("url is required");
  const std::string url = json["url"].get<std::string>();
  constexpr std::string_view kScheme = "http://";
  if (url.rfind("https://", 0) == 0) return config_error("https is not supported; use http://");
  if (url.rfind(kScheme, 0) != 0 || has_line_break(url) || url.find(' ') != std::string::npos) {
    return config_error("url must start with http://");
  }
  const std::string rest = url.substr(kScheme.size());
  const auto slash = rest.find_first_of("/?");
  const std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    config.target_template = rest.substr(slash);
    if (config.target_template.front() == '?') config.target_template.insert(0, "/");
  }
  if (authority.empty() || authority.find_first_of("{}@") != std::string::npos) {
    return config_error("url needs a fixed host (no placeholders or credentials in it)");
  }
  const auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.back() != ']') {
    config.host = authority.substr(0, colon);
    config.port = authority.substr(colon + 1);
    if (config.port.empty() || config.port.size() > 5 ||
        config.port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(config.port) < 1 || std::stoi(config.port) > 65535) {
      return config_error("url has a bad port");
    }
  } else {
    config.host = authority;
  }
  if (config.host.size() > 2 && config.host.front() == '[' && config.host.back() == ']') {
    config.host = config.host.substr(1, config.host.size() - 2);
  }
  if (config.host.empty()) return config_error("url needs a host");

  if (json.contains("method")) {
    if (!json["method"].is_string()) return config_error("method must be GET or POST");
    config.method = json["method"].get<std::string>();
    if (config.method != "GET" && config.method != "POST") {
      return config_error("method must be GET or POST");
    }
  }
  if (json.contains("body")) {
    if (config.method != "POST") return config_error("body is only for POST");
    config.body_template = json["body"];
  }
  if (json.contains("headers")) {
    if (!json["headers"].is_object()) return config_error("headers must be an object");
    for (const auto& [key, value] : json["headers"].items()) {
      if (!value.is_string() || key.empty() || has_line_break(key) ||
          has_line_break(value.get<std::string>()) || key.find(':') != std::string::npos) {
        return config_error("header '" + key + "' is not valid");
      }
      config.headers.emplace_back(key, value.get<std::string>());
    }
  }
  auto positive_int = [&](const char* key, int& target, int max) -> Status {
    if (!json.contains(key)) return ok_status();
    if (!json[key].is_number_integer() || json[key].get<std::int64_t>() < 1 ||
        json[key].get<std::int64_t>() > max) {
      return config_error(std::string(key) + " must be an integer from 1 to " +
                          std::to_string(max));
    }
    target = json[key].get<int>();
    return ok_status();
  };
  if (auto checked = positive_int("timeout_ms", config.timeout_ms, 120'000); !checked) {
    return checked.error();
  }
  if (auto checked = positive_int("max_concurrent", config.max_concurrent, 10'000); !checked) {
    return checked.error();
  }
  if (!json.contains("fields") || !json["fields"].is_object() || json["fields"].empty()) {
    return config_error("fields must map at least one output field to a JSON pointer");
  }
  for (const auto& [name, spec] : json["fields"].items()) {
    HttpJsonSourceConfig::FieldMapping mapping;
    mapping.name = name;
    const nlohmann::json* pointer_text = &spec;
    if (spec.is_object()) {
      if (!spec.contains("pointer")) return config_error("fields." + name + ": pointer missing");
      pointer_text = &spec["pointer"];
      if (spec.contains("optional")) {
        if (!spec["optional"].is_boolean()) {
          return config_error("fields." + name + ": optional must be true or false");
        }
        mapping.required = !spec["optional"].get<bool>();
      }
    }
    auto pointer = parse_pointer(*pointer_text, "fields." + name);
    if (!pointer) return pointer.error();
    mapping.pointer = std::move(*pointer);
    config.fields.push_back(std::move(mapping));
  }
  if (json.contains("not_found")) {
    const auto& rule = json["not_found"];
    if (!rule.is_object()) return config_error("not_found must be an object");
    if (rule.contains("http_404")) {
      if (!rule["http_404"].is_boolean()) return config_error("not_found.http_404: true/false");
      config.not_found_on_404 = rule["http_404"].get<bool>();
    }
    if (rule.contains("pointer")) {
      auto pointer = parse_pointer(rule["pointer"], "not_found.pointer");
      if (!pointer) return pointer.error();
      config.not_found_pointer = std::move(*pointer);
    }
  }
  if (json.contains("circuit_breaker")) {
    const auto& breaker = json["circuit_breaker"];
    if (!breaker.is_object()) return config_error("circuit_breaker must be an object");
    for (const auto& [key, target, max] :
         {std::tuple{"failure_threshold", &config.breaker.failure_threshold, 1000},
          std::tuple{"cool_down_ms", &config.breaker.cool_down_ms, 3'600'000}}) {
      if (!breaker.contains(key)) continue;
      if (!breaker[key].is_number_integer() || breaker[key].get<std::int64_t>() < 1 ||
          breaker[key].get<std::int64_t>() > max) {
        return config_error(std::string("circuit_breaker.") + key + " must be from 1 to " +
                            std::to_string(max));
      }
      *target = breaker[key].get<int>();
    }
  }
  return config;
}

// One request/response exchange; lives on the source's I/O thread only.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  using Finish = std::function<void(QueryResult)>;

  Exchange(asio::io_context& io, const HttpJsonSourceConfig& config,
           http::request<http::string_body> request, Finish finish)
      : config_(config),
        resolver_(io),
        socket_(io),
        deadline_(io),
        request_(std::move(request)),
        finish_(std::move(finish)) {
    parser_.body_limit(kResponseBodyLimit);
  }

  void start() {
    deadline_.expires_after(std::chrono::milliseconds(config_.timeout_ms));
    deadline_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->interrupt(Interruption::deadline);
    });
    resolver_.async_resolve(
        config_.host, config_.port,
        [self = shared_from_this()](boost::system::error_code ec,
                                    tcp::resolver::results_type ends) {
          if (ec || self->interrupted()) return self->fail_io("resolve", ec);
          asio::async_connect(
              self->socket_, ends,
              [self](boost::system::error_code ec, const tcp::endpoint&) { self->on_connect(ec); });
        });
  }

  // Shutdown of the source: the request ends with "unavailable".
  void abort() { interrupt(Interruption::shutdown); }

 private:
  enum class Interruption { none, deadline, shutdown };

  // A completion may already be queued when the deadline fires: every step checks this.
  bool interrupted() const { return interruption_ != Interruption::none; }

  void interrupt(Interruption why) {
    if (interruption_ != Interruption::none) return;
    interruption_ = why;
    resolver_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    deadline_.cancel();
  }

  void on_connect(boost::system::error_code ec) {
    if (ec || interrupted()) return fail_io("connect", ec);
    http::async_write(
        socket_, request_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
          if (ec || self->interrupted()) return self->fail_io("send", ec);
          http::async_read(
              self->socket_, self->buffer_, self->parser_,
              [self](boost::system::error_code ec, std::size_t) { self->on_read(ec); });
        });
  }

  void fail_io(const char* stage, boost::system::error_code ec) {
    if (interruption_ == Interruption::deadline) {
      return done(error_result("timeout", std::string("no answer within ") +
                                              std::to_string(config_.timeout_ms) + " ms (" + stage +
                                              ")"));
    }
    if (interruption_ == Interruption::shutdown) {
      return done(error_result("unavailable", "the data source is shutting down"));
    }
    // A connection closed before the answer is "unavailable"; a garbled answer is not.
    const bool malformed =
        ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream;
    // The detail names the server, never the request target (it may hold an ID number).
    done(error_result(
        malformed ? "bad_response" : "unavailable",
        std::string(stage) + " " + config_.host + ":" + config_.port + ": " + ec.message()));
  }

  void on_read(boost::system::error_code ec) {
    if (ec || interrupted()) return fail_io("receive", ec);
    done(interpret(parser_.get()));
  }

  QueryResult interpret(const http::response<http::string_body>& response) const {
    const unsigned status = response.result_int();
    QueryResult result;
    if (status == 404 && config_.not_found_on_404) {
      result.outcome = QueryResult::Outcome::not_found;
      return result;
    }
    if (status >= 500) return error_result("unavailable", "HTTP " + std::to_string(status));
    if (status < 200 || status > 299) {
      return error_result("bad_response", "HTTP " + std::to_string(status));
    }
    const auto body = nlohmann::json::parse(response.body(), nullptr, false);
    if (body.is_discarded()) return error_result("bad_response", "the answer is not JSON");
    if (config_.not_found_pointer && (!body.contains(*config_.not_found_pointer) ||
                                      is_empty_value(body.at(*config_.not_found_pointer)))) {
      result.outcome = QueryResult::Outcome::not_found;
      return result;
    }
    for (const auto& mapping : config_.fields) {
      if (body.contains(mapping.pointer) && !body.at(mapping.pointer).is_null()) {
        result.fields[mapping.name] = body.at(mapping.pointer);
      } else if (mapping.required) {
        return error_result("bad_response", "the answer lacks " + mapping.pointer.to_string() +
                                                " (field '" + mapping.name + "')");
      }
    }
    result.outcome = QueryResult::Outcome::found;
    return result;
  }

  void done(QueryResult result) {
    if (!finish_) return;
    deadline_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    auto finish = std::move(finish_);
    finish_ = nullptr;
    finish(std::move(result));
  }

  const HttpJsonSourceConfig& config_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  asio::steady_timer deadline_;
  boost::beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response_parser<http::string_body> parser_;
  Finish finish_;
  Interruption interruption_ = Interruption::none;
};

struct HttpJsonSource::Impl {
  Impl(HttpJsonSourceConfig config_in, CircuitBreaker::Clock clock)
      : config(std::move(config_in)),
        breaker(config.breaker, std::move(clock)),
        work(asio::make_work_guard(io)) {
    thread = std::thread([this] { io.run(); });
  }

  ~Impl() {
    asio::post(io, [this] {
      stopping = true;
      for (auto& [id, weak] : active) {
        if (auto exchange = weak.lock()) exchange->abort();
      }
    });
    work.reset();
    thread.join();
  }

  Result<http::request<http::string_body>> build_request(
      const std::map<std::string, std::string>& params) const {
    auto target = substitute(config.target_template, params, true);
    if (!target) return target.error();
    http::request<http::string_body> request{
        config.method == "POST" ? http::verb::post : http::verb::get, *target, 11};
    const bool default_port = config.port == "80";
    const bool ipv6 = config.host.find(':') != std::string::npos;
    const std::string host = ipv6 ? "[" + config.host + "]" : config.host;
    request.set(http::field::host, default_port ? host : host + ":" + config.port);
    request.set(http::field::user_agent, "hotline-ivr");
    request.set(http::field::accept, "application/json");
    request.set(http::field::connection, "close");
    for (const auto& [name, value] : config.headers) request.set(name, value);
    if (config.body_template) {
      auto body = substitute_json(*config.body_template, params);
      if (!body) return body.error();
      request.set(http::field::content_type, "application/json");
      request.body() = body->dump();
    }
    request.prepare_payload();
    return request;
  }

  // Delivers a result from the I/O thread, so that `done` never runs inside query().
  void deliver_later(QueryResult result, std::function<void(QueryResult)> done,
                     std::chrono::steady_clock::time_point started) {
    asio::post(io, [result = std::move(result), done = std::move(done), started]() mutable {
      result.elapsed_ms = elapsed_since(started);
      done(std::move(result));
    });
  }

  static int elapsed_since(std::chrono::steady_clock::time_point started) {
    return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count());
  }

  void record(const QueryResult& result) {
    const auto before = breaker.state();
    if (result.outcome == QueryResult::Outcome::error) {
      breaker.record_failure();
      spdlog::warn("ivr data source {}: {} ({})", config.name, result.error_code,
                   result.error_detail);
    } else {
      breaker.record_success();
    }
    const auto after = breaker.state();
    if (after != before) {
      spdlog::warn("ivr data source {}: circuit breaker {} -> {}", config.name, to_string(before),
                   to_string(after));
    }
  }

  HttpJsonSourceConfig config;
  CircuitBreaker breaker;
  std::atomic<int> in_flight{0};
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::thread thread;
  // I/O thread only.
  bool stopping = false;
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<Exchange>> active;
};

HttpJsonSource::HttpJsonSource(HttpJsonSourceConfig config, CircuitBreaker::Clock breaker_clock)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(breaker_clock))) {}

HttpJsonSource::~HttpJsonSource() = default;

Result<std::unique_ptr<HttpJsonSource>> HttpJsonSource::from_json(const nlohmann::json& json) {
  auto config = parse_http_json_source_config(json);
  if (!config) return config.error();
  return std::make_unique<HttpJsonSource>(std::move(*config));
}

void HttpJsonSource::query(const std::map<std::string, std::string>& params,
                           std::function<void(QueryResult)> done) {
  const auto started = std::chrono::steady_clock::now();
  Impl& impl = *impl_;
  auto request = impl.build_request(params);
  if (!request) {
    return impl.deliver_later(error_result("bad_request", request.error().message), std::move(done),
                              started);
  }
  if (impl.in_flight.fetch_add(1) >= impl.config.max_concurrent) {
    impl.in_flight.fetch_sub(1);
    return impl.deliver_later(error_result("busy", std::to_string(impl.config.max_concurrent) +
                                                       " requests already in flight"),
                              std::move(done), started);
  }
  if (!impl.breaker.allow_request()) {
    impl.in_flight.fetch_sub(1);
    return impl.deliver_later(error_result("circuit_open", "the source failed repeatedly"),
                              std::move(done), started);
  }
  asio::post(
      impl.io, [&impl, request = std::move(*request), done = std::move(done), started]() mutable {
        const std::uint64_t id = impl.next_id++;
        auto finish = [&impl, id, done = std::move(done), started](QueryResult result) {
          impl.active.erase(id);
          impl.in_flight.fetch_sub(1);
          impl.record(result);
          result.elapsed_ms = Impl::elapsed_since(started);
          done(std::move(result));
        };
        auto exchange =
            std::make_shared<Exchange>(impl.io, impl.config, std::move(request), std::move(finish));
        impl.active.emplace(id, exchange);
        exchange->start();
        if (impl.stopping) exchange->abort();
      });
}

CircuitBreaker::State HttpJsonSource::breaker_state() const {
  return impl_->breaker.state();
}

int HttpJsonSource::requests_in_flight() const {
  return impl_->in_flight.load();
}

}  // namespace hotline::ivr
