#include "daemon_process.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace hotline::test {
namespace {

// Points DaemonProcess at the fake daemon for one test.
class FakeDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* previous = std::getenv("HOTLINED")) saved_ = previous;
    setenv("HOTLINED", HOTLINE_FAKE_DAEMON_PATH, 1);
  }
  void TearDown() override {
    if (saved_) {
      setenv("HOTLINED", saved_->c_str(), 1);
    } else {
      unsetenv("HOTLINED");
    }
  }

  static std::string read(const std::string& file) {
    std::ifstream in(file);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }

 private:
  std::optional<std::string> saved_;
};

TEST_F(FakeDaemonTest, StartsWithGeneratedArgumentsAndStopsCleanly) {
  std::string data_dir;
  {
    DaemonOptions options;
    options.db_url = "sqlite:///tmp/x.db";
    options.args = {"--log-level", "debug"};
    options.config_toml = {{"http.threads", "2"}, {"auth.cookie_secure", "false"}};
    DaemonProcess daemon(options);
    data_dir = daemon.data_dir();
    EXPECT_NE(daemon.port(), 0);
    EXPECT_EQ(daemon.client().get("/healthz").status, 200u);
    EXPECT_EQ(daemon.client().get("/").body.find("<!doctype html>"), 0u);

    const auto args = read(data_dir + "/args.txt");
    EXPECT_NE(args.find("--config\n"), std::string::npos) << args;
    EXPECT_NE(args.find("--http\n127.0.0.1:" + std::to_string(daemon.port()) + "\n"),
              std::string::npos)
        << args;
    EXPECT_NE(args.find("--demo\n"), std::string::npos) << args;
    EXPECT_NE(args.find("--db\nsqlite:///tmp/x.db\n"), std::string::npos) << args;
    EXPECT_NE(args.find("--log-level\ndebug\n"), std::string::npos) << args;

    const auto config_at = args.find("--config\n") + 9;
    const auto config = read(args.substr(config_at, args.find('\n', config_at) - config_at));
    EXPECT_EQ(config, "[auth]\ncookie_secure = false\n[http]\nthreads = 2\n");

    EXPECT_EQ(daemon.login("demo", "demo"), "fake-token");
    EXPECT_THROW(daemon.login("demo", "wrong"), std::runtime_error);
    EXPECT_NE(daemon.log().find("fake daemon starting"), std::string::npos);
    EXPECT_EQ(daemon.stop(), 0);
    EXPECT_EQ(daemon.stop(), 0);
    EXPECT_NE(daemon.log().find("fake daemon stopped"), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(data_dir));
}

TEST_F(FakeDaemonTest, StartFailureReportsTheLog) {
  DaemonOptions options;
  options.demo = false;
  options.args = {"--http", "not-an-endpoint"};  // later --http wins in the fake
  try {
    DaemonProcess daemon(options);
    FAIL() << "started";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("exited with status 2"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace hotline::test
