#pragma once
// API tests run the real daemon on loopback, once against SQLite and once against PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "daemon_process.hpp"
#include "http_client.hpp"
#include "scratch_database.hpp"

namespace hotline::test {

inline constexpr const char* kDemoPassword = "Hotline@2026";

inline std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

class ApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Subclasses may adjust before the daemon starts.
  virtual DaemonOptions daemon_options() { return {}; }

  void SetUp() override {
    database_ = std::make_unique<ScratchDatabase>(GetParam());
    auto options = daemon_options();
    options.db_url = database_->url();
    daemon_ = std::make_unique<DaemonProcess>(options);
  }
  void TearDown() override {
    if (HasFailure() && daemon_) std::cerr << "---- daemon log ----\n" << daemon_->log() << "\n";
    daemon_.reset();
    database_.reset();
  }

  HttpClient client() const { return daemon_->client(); }
  std::string login(const std::string& user, const std::string& password = kDemoPassword) {
    return daemon_->login(user, password);
  }
  HttpResponse get(const std::string& target, const std::string& token) {
    return client().get(target, bearer(token));
  }
  HttpResponse post(const std::string& target, const nlohmann::json& body,
                    const std::string& token) {
    return client().post_json(target, body, bearer(token));
  }
  HttpResponse patch(const std::string& target, const nlohmann::json& body,
                     const std::string& token) {
    auto headers = bearer(token);
    headers["Content-Type"] = "application/json";
    return client().request(boost::beast::http::verb::patch, target, body.dump(), headers);
  }
  HttpResponse del(const std::string& target, const std::string& token) {
    return client().request(boost::beast::http::verb::delete_, target, "", bearer(token));
  }
  // GETs `target` until `done` holds for its JSON (for what the daemon writes off the call
  // path), for at most `seconds`; returns the last answer either way.
  nlohmann::json poll_json(const std::string& target, const std::string& token,
                           const std::function<bool(const nlohmann::json&)>& done,
                           int seconds = 5) {
    nlohmann::json last;
    for (int i = 0; i < seconds * 10; ++i) {
      last = get(target, token).json();
      if (done(last)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return last;
  }
  // The list at `target` once it holds something, else as it is.
  nlohmann::json poll_list(const std::string& target, const std::string& token, int seconds = 5) {
    return poll_json(
        target, token, [](const nlohmann::json& list) { return list.value("total", 0) > 0; },
        seconds);
  }
  // Id of the demo organisation unit with this name.
  std::int64_t unit_id(const std::string& name, const std::string& token) {
    const auto units =
        get("/api/v1/org-units", token).json();  // named: a temporary would die mid-loop
    for (const auto& unit : units["items"])
      if (unit["name"] == name) return unit["id"].get<std::int64_t>();
    ADD_FAILURE() << "no unit " << name;
    return 0;
  }

  std::unique_ptr<ScratchDatabase> database_;
  std::unique_ptr<DaemonProcess> daemon_;
};

inline std::string dialect_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

#define HOTLINE_INSTANTIATE_API_TEST(Suite)                                            \
  INSTANTIATE_TEST_SUITE_P(Dialects, Suite, ::testing::Values("sqlite", "postgresql"), \
                           ::hotline::test::dialect_name)

}  // namespace hotline::test
