#include "common/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace hotline {
namespace {

TEST(Config, EmptyFileGivesDefaults) {
  auto config = parse_config("", "test.toml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->data_dir, "./var");
  EXPECT_EQ(config->http.listen.host, "0.0.0.0");
  EXPECT_EQ(config->http.listen.port, 8080);
  EXPECT_EQ(config->effective_database_url(), "sqlite://./var/hotline.db");
  EXPECT_FALSE(config->demo);
}

TEST(Config, ShippedConfigFileIsValid) {
  auto config = load_config_file(std::string(HOTLINE_SOURCE_DIR) + "/etc/hotline.toml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->http.listen.port, 8080);
  EXPECT_EQ(config->auth.account_max_failures, 5);
}

TEST(Config, ReadsEveryKind) {
  auto config = parse_config(R"(
[server]
data_dir = "/srv/hotline"
[http]
listen = "[::1]:9090"
body_limit_kib = 64
[database]
url = "postgresql://u:p@127.0.0.1:5432/h"
[auth]
cookie_secure = true
session_idle_minutes = 10
)",
                             "t.toml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->data_dir, "/srv/hotline");
  EXPECT_EQ(config->http.listen.host, "::1");
  EXPECT_EQ(config->http.listen.port, 9090);
  EXPECT_EQ(config->http.body_limit_bytes, 64u * 1024);
  EXPECT_EQ(config->effective_database_url(), "postgresql://u:p@127.0.0.1:5432/h");
  EXPECT_TRUE(config->auth.cookie_secure);
  EXPECT_EQ(config->auth.session_idle_minutes, 10);
}

struct BadConfig {
  const char* text;
  const char* expected_fragment;
};

class BadConfigTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigTest, IsOneLineNamingTheKey) {
  auto config = parse_config(GetParam().text, "bad.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find(GetParam().expected_fragment), std::string::npos)
      << config.error().message;
  EXPECT_EQ(config.error().message.find('\n'), std::string::npos) << config.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadConfigTest,
    ::testing::Values(BadConfig{"[http]\nlisten = \"nonsense\"\n", "http.listen"},
                      BadConfig{"[http]\nlisten = \"127.0.0.1:99999\"\n", "http.listen"},
                      BadConfig{"[http]\nthreads = \"four\"\n", "http.threads"},
                      BadConfig{"[http]\nthreads = 0\n", "http.threads"},
                      BadConfig{"[http]\nlisten_port = 1\n", "unknown key 'http.listen_port'"},
                      BadConfig{"[nonsense]\nx = 1\n", "unknown key 'nonsense.x'"},
                      BadConfig{"[auth]\ncookie_secure = \"yes\"\n", "auth.cookie_secure"},
                      BadConfig{"[log]\nlevel = \"loud\"\n", "log.level"},
                      BadConfig{"[http\nlisten=1", "bad.toml:"},
                      BadConfig{"data_dir = \"x\"\n", "'data_dir' must be a [section]"}));

TEST(Config, SipSectionDefaultsAndOverrides) {
  auto defaults = parse_config("", "empty.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->sip.listen.host, "0.0.0.0");
  EXPECT_EQ(defaults->sip.listen.port, 5060);
  EXPECT_EQ(defaults->sip.realm, "hotline");
  EXPECT_FALSE(defaults->sip.scanner_user_agents.empty());

  auto config = parse_config(R"(
[sip]
listen = "127.0.0.1:5080"
realm = "hotline.example"
nonce_lifetime_seconds = 60
register_min_expires = 30
register_max_expires = 7200
register_default_expires = 900
keepalive_interval_seconds = 0
auth_max_failures = 3
auth_window_seconds = 60
block_seconds = 120
max_messages_per_second = 20
scanner_user_agents = ["evil-scanner"]
)",
                             "sip.toml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->sip.listen.port, 5080);
  EXPECT_EQ(config->sip.realm, "hotline.example");
  EXPECT_EQ(config->sip.nonce_lifetime_seconds, 60);
  EXPECT_EQ(config->sip.register_min_expires, 30);
  EXPECT_EQ(config->sip.register_max_expires, 7200);
  EXPECT_EQ(config->sip.register_default_expires, 900);
  EXPECT_EQ(config->sip.keepalive_interval_seconds, 0);
  EXPECT_EQ(config->sip.auth_max_failures, 3);
  EXPECT_EQ(config->sip.auth_window_seconds, 60);
  EXPECT_EQ(config->sip.block_seconds, 120);
  EXPECT_EQ(config->sip.max_messages_per_second, 20);
  EXPECT_EQ(config->sip.scanner_user_agents, std::vector<std::string>{"evil-scanner"});
}

TEST(Config, SipMistakesNameTheKey) {
  for (const auto& [text, fragment] : std::vector<std::pair<std::string, std::string>>{
           {"[sip]\nlisten = \"5060\"\n", "sip.listen"},
           {"[sip]\nrealm = \"\"\n", "sip.realm"},
           {"[sip]\nrealm = \"a\\\"b\"\n", "sip.realm"},
           {"[sip]\nscanner_user_agents = \"x\"\n", "sip.scanner_user_agents"},
           {"[sip]\nscanner_user_agents = [1]\n", "sip.scanner_user_agents"},
           {"[sip]\nregister_default_expires = 10\n", "sip.register_default_expires"},
       }) {
    auto config = parse_config(text, "bad.toml");
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_NE(config.error().message.find(fragment), std::string::npos) << config.error().message;
  }
}

TEST(Config, MissingFileIsAnError) {
  auto config = load_config_file("/nonexistent/hotline.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, "config_missing");
}

TEST(Endpoint, ParsesHostsAndPorts) {
  auto v4 = parse_endpoint("127.0.0.1:8080", "k");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = parse_endpoint("[::]:0", "k");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::");
  EXPECT_EQ(v6->port, 0);
  EXPECT_FALSE(parse_endpoint(":80", "k").ok());
  EXPECT_FALSE(parse_endpoint("host:", "k").ok());
  EXPECT_FALSE(parse_endpoint("host:8o", "k").ok());
  EXPECT_FALSE(parse_endpoint("[::1]80", "k").ok());
}

}  // namespace
}  // namespace hotline
