// Self-service data sources: the circuit breaker on its own, and the HTTP JSON source against a
// real HTTP server on 127.0.0.1 started by the test.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <future>
#include <sstream>
#include <thread>

#include "ivr/circuit_breaker.hpp"
#include "ivr/http_json_source.hpp"
#include "loopback_http_server.hpp"

namespace hotline::ivr {
namespace {

using testing::CannedResponse;
using testing::LoopbackHttpServer;
using testing::SeenRequest;

constexpr const char* kIdNumber = "11010519491231002X";
const std::map<std::string, std::string> kParams = {{"id_number", kIdNumber}};

// ---- CircuitBreaker ---------------------------------------------------------------------

struct FakeClock {
  std::shared_ptr<std::atomic<EpochMs>> now = std::make_shared<std::atomic<EpochMs>>(1'000'000);
  CircuitBreaker::Clock function() const {
    return [now = now] { return now->load(); };
  }
  void advance(EpochMs ms) const { *now += ms; }
};

TEST(CircuitBreaker, OpensAfterConsecutiveFailures) {
  FakeClock clock;
  CircuitBreaker breaker({3, 10'000}, clock.function());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(breaker.allow_request());
    breaker.record_failure();
  }
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::closed);
  ASSERT_TRUE(breaker.allow_request());
  breaker.record_failure();
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::open);
  EXPECT_FALSE(breaker.allow_request());
}

TEST(CircuitBreaker, SuccessResetsTheCount) {
  FakeClock clock;
  CircuitBreaker breaker({2, 10'000}, clock.function());
  breaker.record_failure();
  breaker.record_success();
  breaker.record_failure();
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::closed);
  EXPECT_EQ(breaker.consecutive_failures(), 1);
}

TEST(CircuitBreaker, HalfOpenLetsOneTrialThrough) {
  FakeClock clock;
  CircuitBreaker breaker({1, 10'000}, clock.function());
  breaker.record_failure();
  clock.advance(9'999);
  EXPECT_FALSE(breaker.allow_request());
  clock.advance(1);
  EXPECT_TRUE(breaker.allow_request());
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::half_open);
  EXPECT_FALSE(breaker.allow_request());  // only one trial at a time
  breaker.record_success();
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::closed);
  EXPECT_TRUE(breaker.allow_request());
}

TEST(CircuitBreaker, FailedTrialReopensForAnotherCoolDown) {
  FakeClock clock;
  CircuitBreaker breaker({5, 1'000}, clock.function());
  for (int i = 0; i < 5; ++i) breaker.record_failure();
  clock.advance(1'000);
  ASSERT_TRUE(breaker.allow_request());
  breaker.record_failure();
  EXPECT_EQ(breaker.state(), CircuitBreaker::State::open);
  clock.advance(999);
  EXPECT_FALSE(breaker.allow_request());
  clock.advance(1);
  EXPECT_TRUE(breaker.allow_request());
}

TEST(CircuitBreaker, CancelledTrialIsGivenBack) {
  FakeClock clock;
  CircuitBreaker breaker({1, 100}, clock.function());
  breaker.record_failure();
  clock.advance(100);
  ASSERT_TRUE(breaker.allow_request());
  breaker.cancel_request();
  EXPECT_TRUE(breaker.allow_request());
}

// ---- configuration ---------------------------------------------------------------------

nlohmann::json source_config(const std::string& base_url) {
  return {{"name", "card_progress"},
          {"url", base_url + "/api/cards/{id_number}?kind=progress"},
          {"headers", {{"X-Api-Key", "secret-key"}}},
          {"timeout_ms", 2000},
          {"max_concurrent", 4},
          {"fields",
           {{"status", "/data/status"},
            {"expected_date", {{"pointer", "/data/expectedDate"}, {"optional", true}}}}},
          {"not_found", {{"http_404", true}, {"pointer", "/data"}}},
          {"circuit_breaker", {{"failure_threshold", 3}, {"cool_down_ms", 1000}}}};
}

TEST(HttpJsonSourceConfig, ParsesAFullConfiguration) {
  auto config = parse_http_json_source_config(source_config("http://10.1.2.3:8080"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->host, "10.1.2.3");
  EXPECT_EQ(config->port, "8080");
  EXPECT_EQ(config->target_template, "/api/cards/{id_number}?kind=progress");
  EXPECT_EQ(config->method, "GET");
  EXPECT_EQ(config->timeout_ms, 2000);
  EXPECT_EQ(config->max_concurrent, 4);
  ASSERT_EQ(config->fields.size(), 2u);
  EXPECT_EQ(config->breaker.failure_threshold, 3);
  EXPECT_EQ(config->breaker.cool_down_ms, 1000);
  ASSERT_TRUE(config->not_found_pointer.has_value());
  EXPECT_EQ(config->not_found_pointer->to_string(), "/data");
  auto no_port = parse_http_json_source_config(source_config("http://cards.example"));
  ASSERT_TRUE(no_port.ok());
  EXPECT_EQ(no_port->port, "80");
}

TEST(HttpJsonSourceConfig, ErrorsAreValues) {
  auto with = [](const char* key, nlohmann::json value) {
    auto json = source_config("http://127.0.0.1:8080");
    json[key] = std::move(value);
    return parse_http_json_source_config(json);
  };
  EXPECT_FALSE(with("url", "https://127.0.0.1/x").ok());
  EXPECT_FALSE(with("url", "ftp://127.0.0.1/x").ok());
  EXPECT_FALSE(with("url", "http://{id_number}.example/x").ok());
  EXPECT_FALSE(with("url", "http://127.0.0.1:99999/x").ok());
  EXPECT_FALSE(with("method", "DELETE").ok());
  EXPECT_FALSE(with("timeout_ms", 0).ok());
  EXPECT_FALSE(with("max_concurrent", "many").ok());
  EXPECT_FALSE(with("fields", nlohmann::json::object()).ok());
  EXPECT_FALSE(with("fields", {{"status", "data/status"}}).ok());
  EXPECT_FALSE(with("headers", {{"X-Bad", "a\r\nInjected: 1"}}).ok());
  EXPECT_FALSE(with("body", {{"id", "{id_number}"}}).ok());  // body needs POST
  EXPECT_EQ(with("circuit_breaker", {{"failure_threshold", 0}}).error().code, "bad_config");
  EXPECT_FALSE(parse_http_json_source_config(nlohmann::json::array()).ok());
}

TEST(HttpJsonSourceConfig, UrlEncoding) {
  EXPECT_EQ(url_encode("11010519491231002X"), "11010519491231002X");
  EXPECT_EQ(url_encode("a b/c?d&e=f"), "a%20b%2Fc%3Fd%26e%3Df");
  EXPECT_EQ(url_encode("张"), "%E5%BC%A0");
}

// ---- against a real loopback HTTP server ------------------------------------------------

QueryResult run_query(DataSource& source,
                      const std::map<std::string, std::string>& params = kParams) {
  auto promise = std::make_shared<std::promise<QueryResult>>();
  auto future = promise->get_future();
  source.query(params, [promise](QueryResult result) { promise->set_value(std::move(result)); });
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "the source never answered";
    return {};
  }
  return future.get();
}

std::unique_ptr<HttpJsonSource> make_source(const nlohmann::json& json,
                                            CircuitBreaker::Clock clock = now_ms) {
  auto config = parse_http_json_source_config(json);
  EXPECT_TRUE(config.ok()) << config.error().message;
  return std::make_unique<HttpJsonSource>(std::move(*config), std::move(clock));
}

CannedResponse card_in_production(const SeenRequest&) {
  return {200, R"({"data": {"status": "正在制作", "expectedDate": "2026-12-12"}})"};
}

TEST(HttpJsonSource, FoundMapsTheFields) {
  LoopbackHttpServer server(card_in_production);
  auto source = make_source(source_config(server.base_url()));
  const auto result = run_query(*source);
  ASSERT_EQ(result.outcome, QueryResult::Outcome::found)
      << result.error_code << " " << result.error_detail;
  EXPECT_EQ(result.fields["status"], "正在制作");
  EXPECT_EQ(result.fields["expected_date"], "2026-12-12");
  EXPECT_GE(result.elapsed_ms, 0);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/api/cards/11010519491231002X?kind=progress");
  EXPECT_EQ(requests[0].headers.at("X-Api-Key"), "secret-key");
  EXPECT_EQ(source->requests_in_flight(), 0);
}

TEST(HttpJsonSource, OptionalFieldMayBeAbsent) {
  LoopbackHttpServer server([](const SeenRequest&) {
    return CannedResponse{200, R"({"data": {"status": "已寄出"}})"};
  });
  auto source = make_source(source_config(server.base_url()));
  const auto result = run_query(*source);
  ASSERT_EQ(result.outcome, QueryResult::Outcome::found);
  EXPECT_EQ(result.fields["status"], "已寄出");
  EXPECT_FALSE(result.fields.contains("expected_date"));
}

TEST(HttpJsonSource, PostSendsTheBodyTemplate) {
  LoopbackHttpServer server(card_in_production);
  auto json = source_config(server.base_url());
  json["url"] = server.base_url() + "/query";
  json["method"] = "POST";
  json["body"] = {{"idNo", "{id_number}"}, {"type", "card"}, {"nested", {"x-{id_number}"}}};
  auto source = make_source(json);
  const auto result = run_query(*source);
  ASSERT_EQ(result.outcome, QueryResult::Outcome::found);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].headers.at("Content-Type"), "application/json");
  const auto body = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(body["idNo"], kIdNumber);
  EXPECT_EQ(body["type"], "card");
  EXPECT_EQ(body["nested"][0], std::string("x-") + kIdNumber);
}

TEST(HttpJsonSource, NotFoundBy404) {
  LoopbackHttpServer server([](const SeenRequest&) {
    return CannedResponse{404, R"({"message": "no such card"})"};
  });
  auto source = make_source(source_config(server.base_url()));
  EXPECT_EQ(run_query(*source).outcome, QueryResult::Outcome::not_found);
  EXPECT_EQ(source->breaker_state(), CircuitBreaker::State::closed);
}

TEST(HttpJsonSource, A404IsBadResponseWhenTheRuleIsOff) {
  LoopbackHttpServer server([](const SeenRequest&) { return CannedResponse{404, "{}"}; });
  auto json = source_config(server.base_url());
  json["not_found"]["http_404"] = false;
  auto source = make_source(json);
  const auto result = run_query(*source);
  EXPECT_EQ(result.error_code, "bad_response");
  EXPECT_NE(result.error_detail.find("404"), std::string::npos);
}

TEST(HttpJsonSource, NotFoundByAnEmptyOrAbsentField) {
  for (const char* body : {R"({"data": null})", R"({"data": {}})", R"({"other": 1})"}) {
    SCOPED_TRACE(body);
    LoopbackHttpServer server([body](const SeenRequest&) { return CannedResponse{200, body}; });
    auto source = make_source(source_config(server.base_url()));
    EXPECT_EQ(run_query(*source).outcome, QueryResult::Outcome::not_found);
  }
}

TEST(HttpJsonSource, BadJsonIsBadResponse) {
  LoopbackHttpServer server([](const SeenRequest&) {
    return CannedResponse{200, "<html>gateway</html>"};
  });
  auto source = make_source(source_config(server.base_url()));
  const auto result = run_query(*source);
  EXPECT_EQ(result.outcome, QueryResult::Outcome::error);
  EXPECT_EQ(result.error_code, "bad_response");
}

TEST(HttpJsonSource, MissingRequiredFieldIsBadResponse) {
  LoopbackHttpServer server([](const SeenRequest&) {
    return CannedResponse{200, R"({"data": {"expectedDate": "2026-12-12"}})"};
  });
  auto source = make_source(source_config(server.base_url()));
  const auto result = run_query(*source);
  EXPECT_EQ(result.error_code, "bad_response");
  EXPECT_NE(result.error_detail.find("status"), std::string::npos);
}

TEST(HttpJsonSource, ServerErrorIsUnavailable) {
  LoopbackHttpServer server([](const SeenRequest&) { return CannedResponse{503, "{}"}; });
  auto source = make_source(source_config(server.base_url()));
  const auto result = run_query(*source);
  EXPECT_EQ(result.error_code, "unavailable");
  EXPECT_NE(result.error_detail.find("503"), std::string::npos);
}

TEST(HttpJsonSource, SlowSourceTimesOut) {
  LoopbackHttpServer server([](const SeenRequest& request) {
    auto answer = card_in_production(request);
    answer.delay_ms = 3000;
    return answer;
  });
  auto json = source_config(server.base_url());
  json["timeout_ms"] = 200;
  auto source = make_source(json);
  const auto started = std::chrono::steady_clock::now();
  const auto result = run_query(*source);
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.outcome, QueryResult::Outcome::error);
  EXPECT_EQ(result.error_code, "timeout");
  EXPECT_GE(result.elapsed_ms, 190);
  EXPECT_LT(waited, std::chrono::milliseconds(1500));
}

TEST(HttpJsonSource, DeadSourceIsUnavailable) {
  auto source = make_source(
      source_config("http://127.0.0.1:" + std::to_string(testing::unused_loopback_port())));
  const auto result = run_query(*source);
  EXPECT_EQ(result.outcome, QueryResult::Outcome::error);
  EXPECT_EQ(result.error_code, "unavailable");
}

TEST(HttpJsonSource, ConnectionClosedWithoutAnswerIsUnavailable) {
  LoopbackHttpServer server([](const SeenRequest&) {
    CannedResponse answer;
    answer.close_without_answer = true;
    return answer;
  });
  auto source = make_source(source_config(server.base_url()));
  EXPECT_EQ(run_query(*source).error_code, "unavailable");
}

TEST(HttpJsonSource, OverTheConcurrencyLimitIsBusyAtOnce) {
  LoopbackHttpServer server([](const SeenRequest& request) {
    auto answer = card_in_production(request);
    answer.delay_ms = 1500;
    return answer;
  });
  auto json = source_config(server.base_url());
  json["max_concurrent"] = 2;
  auto source = make_source(json);
  std::vector<std::future<QueryResult>> slow;
  for (int i = 0; i < 2; ++i) {
    auto promise = std::make_shared<std::promise<QueryResult>>();
    slow.push_back(promise->get_future());
    source->query(kParams, [promise](QueryResult result) { promise->set_value(result); });
  }
  EXPECT_EQ(source->requests_in_flight(), 2);
  const auto started = std::chrono::steady_clock::now();
  const auto third = run_query(*source);
  EXPECT_EQ(third.error_code, "busy");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1000));
  for (auto& future : slow) EXPECT_EQ(future.get().outcome, QueryResult::Outcome::found);
  // Busy is our own limit, not the source failing.
  EXPECT_EQ(source->breaker_state(), CircuitBreaker::State::closed);
  EXPECT_EQ(run_query(*source).outcome, QueryResult::Outcome::found);
}

TEST(HttpJsonSource, BreakerOpensAfterFailuresAndRecoversAfterCoolDown) {
  std::atomic<bool> healthy{false};
  LoopbackHttpServer server([&healthy](const SeenRequest& request) {
    return healthy ? card_in_production(request) : CannedResponse{500, "{}"};
  });
  FakeClock clock;
  auto source = make_source(source_config(server.base_url()), clock.function());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(run_query(*source).error_code, "unavailable");
  EXPECT_EQ(source->breaker_state(), CircuitBreaker::State::open);
  // Open: answered at once, and the server is not asked.
  EXPECT_EQ(run_query(*source).error_code, "circuit_open");
  EXPECT_EQ(server.request_count(), 3);
  // After the cool-down one trial goes through; the source has recovered.
  healthy = true;
  clock.advance(1000);
  EXPECT_EQ(run_query(*source).outcome, QueryResult::Outcome::found);
  EXPECT_EQ(server.request_count(), 4);
  EXPECT_EQ(source->breaker_state(), CircuitBreaker::State::closed);
}

TEST(HttpJsonSource, MissingParameterIsBadRequestAndNotASourceFailure) {
  LoopbackHttpServer server(card_in_production);
  auto source = make_source(source_config(server.base_url()));
  const auto result = run_query(*source, {{"other", "1"}});
  EXPECT_EQ(result.error_code, "bad_request");
  EXPECT_NE(result.error_detail.find("id_number"), std::string::npos);
  EXPECT_EQ(server.request_count(), 0);
}

TEST(HttpJsonSource, CallbackRunsOnTheSourceThreadNotInsideQuery) {
  LoopbackHttpServer server(card_in_production);
  auto source = make_source(source_config(server.base_url()));
  for (const auto& params : {std::map<std::string, std::string>{}, kParams}) {
    // Without its parameter the query fails with no I/O at all: still delivered later.
    std::promise<std::thread::id> ran_on;
    source->query(params, [&](QueryResult) { ran_on.set_value(std::this_thread::get_id()); });
    auto future = ran_on.get_future();
    ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_NE(future.get(), std::this_thread::get_id());
  }
}

TEST(HttpJsonSource, DestroyingTheSourceEndsPendingRequests) {
  LoopbackHttpServer server([](const SeenRequest& request) {
    auto answer = card_in_production(request);
    answer.delay_ms = 5000;
    return answer;
  });
  auto json = source_config(server.base_url());
  json["timeout_ms"] = 10000;
  auto source = make_source(json);
  auto promise = std::make_shared<std::promise<QueryResult>>();
  auto future = promise->get_future();
  source->query(kParams, [promise](QueryResult result) { promise->set_value(result); });
  while (server.request_count() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto started = std::chrono::steady_clock::now();
  source.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1000));
  ASSERT_EQ(future.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_EQ(future.get().error_code, "unavailable");
}

TEST(HttpJsonSource, IdNumberNeverAppearsInErrorsOrLogs) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  capture->set_level(spdlog::level::trace);
  spdlog::set_default_logger(capture);

  std::vector<QueryResult> results;
  {
    LoopbackHttpServer server([](const SeenRequest& request) {
      if (request.target.find("slow") != std::string::npos) {
        auto answer = card_in_production(request);
        answer.delay_ms = 2000;
        return answer;
      }
      if (request.target.find("html") != std::string::npos) return CannedResponse{200, "<html>"};
      if (request.target.find("partial") != std::string::npos) return CannedResponse{200, "{"};
      return CannedResponse{500, std::string("{\"echo\": \"") + kIdNumber + "\"}"};
    });
    for (const char* path : {"/slow/{id_number}", "/html/{id_number}", "/partial/{id_number}",
                             "/fail/{id_number}", "/fail?id={id_number}"}) {
      auto json = source_config(server.base_url());
      json["url"] = server.base_url() + path;
      json["timeout_ms"] = 150;
      auto source = make_source(json);
      results.push_back(run_query(*source));
    }
    auto dead = make_source(source_config(
        "http://127.0.0.1:" + std::to_string(testing::unused_loopback_port()) + "/{id_number}"));
    results.push_back(run_query(*dead));
  }
  spdlog::set_default_logger(previous);

  ASSERT_EQ(results.size(), 6u);
  for (const auto& result : results) {
    EXPECT_EQ(result.outcome, QueryResult::Outcome::error);
    EXPECT_EQ(result.error_detail.find(kIdNumber), std::string::npos) << result.error_detail;
    EXPECT_EQ(result.error_detail.find("11010519491231002"), std::string::npos);
  }
  EXPECT_EQ(results[0].error_code, "timeout");
  EXPECT_EQ(results[1].error_code, "bad_response");
  EXPECT_EQ(results[5].error_code, "unavailable");
  const std::string logged = log.str();
  EXPECT_FALSE(logged.empty());  // failures are logged...
  EXPECT_EQ(logged.find("11010519491231002"), std::string::npos) << logged;  // ...without the ID
}

}  // namespace
}  // namespace hotline::ivr
