// The test launcher (tests/support/daemon_process.*) with the real daemon: what every API and
// integration test relies on — start, options reaching the daemon, stop status, clean-up and a
// useful error when the daemon does not come up.
#include "daemon_process.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace hotline::test {
namespace {

TEST(DaemonProcess, StartsWithOptionsAndCleansUp) {
  std::string data_dir;
  {
    DaemonOptions options;
    options.args = {"--log-level", "warn"};
    options.config_toml = {{"http.threads", "2"}, {"auth.account_max_failures", "2"}};
    DaemonProcess daemon(options);
    data_dir = daemon.data_dir();
    EXPECT_NE(daemon.port(), 0);
    auto health = daemon.client().get("/healthz");
    ASSERT_EQ(health.status, 200u);
    EXPECT_EQ(health.json()["database"]["dialect"], "sqlite");
    EXPECT_TRUE(std::filesystem::exists(data_dir + "/hotline.db"))
        << "--data-dir reached the daemon";
    EXPECT_EQ(daemon.log().find("serving http"), std::string::npos)
        << "extra args reached the daemon: --log-level warn hides the info lines";

    EXPECT_FALSE(daemon.login("admin", "Hotline@2026").empty());
    EXPECT_THROW(daemon.login("agent1", "wrong"), std::runtime_error);
    // The generated config file reached the daemon: two failures lock the account.
    EXPECT_THROW(daemon.login("agent1", "wrong"), std::runtime_error);
    auto locked = daemon.client().post_json("/api/v1/auth/login",
                                            {{"username", "agent1"}, {"password", "Hotline@2026"}});
    EXPECT_EQ(locked.status, 423u) << locked.body;

    EXPECT_EQ(daemon.stop(), 0);
    EXPECT_EQ(daemon.stop(), 0) << "stop is idempotent";
  }
  EXPECT_FALSE(std::filesystem::exists(data_dir)) << "the temporary directory is removed";
}

TEST(DaemonProcess, StartFailureReportsTheDaemonsWords) {
  DaemonOptions options;
  options.demo = false;
  options.args = {"--http", "not-an-endpoint"};  // the later --http wins
  try {
    DaemonProcess daemon(options);
    FAIL() << "a daemon with a bad --http started";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("--http"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace hotline::test
