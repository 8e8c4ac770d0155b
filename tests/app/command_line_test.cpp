// hotlined's command line and start-up, run as a real process.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "daemon_process.hpp"
#include "http_client.hpp"

namespace hotline::test {
namespace {

struct Run {
  int exit_code;
  std::string output;
};

Run run(const std::string& arguments, const std::string& env = "") {
  const std::string command =
      env + " " + daemon_binary_path() + " " + arguments + " 2>&1 </dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string output;
  std::array<char, 4096> buffer{};
  while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/hotline-cli.XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name, const std::string& content) const {
    const auto path = path_ / name;
    std::ofstream(path) << content;
    return path.string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(CommandLine, BadConfigIsOneLineNamingTheKey) {
  TempDir dir;
  const auto config = dir.file("bad.toml", "[http]\nthreads = \"many\"\n");
  auto result = run("--config " + config + " --data-dir " + dir.path() + "/var");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("http.threads"), std::string::npos) << result.output;
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
}

TEST(CommandLine, BadOptionValuesAreRefused) {
  TempDir dir;
  auto bad_http = run("--http nowhere --data-dir " + dir.path());
  EXPECT_NE(bad_http.exit_code, 0);
  EXPECT_NE(bad_http.output.find("--http"), std::string::npos) << bad_http.output;
  auto bad_db = run("check-config --db mysql://x --data-dir " + dir.path());
  EXPECT_EQ(bad_db.exit_code, 0) << "check-config validates syntax only";
  auto bad_db_run = run("migrate --db mysql://x --data-dir " + dir.path());
  EXPECT_NE(bad_db_run.exit_code, 0);
  EXPECT_NE(bad_db_run.output.find("sqlite:// or postgresql://"), std::string::npos)
      << bad_db_run.output;
  auto missing = run("--config /nonexistent.toml");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("/nonexistent.toml"), std::string::npos);
  auto unknown = run("--no-such-option");
  EXPECT_NE(unknown.exit_code, 0);
}

TEST(CommandLine, HelpAndVersion) {
  auto help = run("--help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* option : {"--config", "--data-dir", "--http", "--db", "--demo", "init-admin"})
    EXPECT_NE(help.output.find(option), std::string::npos) << option;
  auto version = run("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.output.find('.'), std::string::npos);
}

TEST(CommandLine, InitAdminCreatesTheFirstAdministrator) {
  TempDir dir;
  const std::string data = " --data-dir " + dir.path() + "/var";
  auto weak = run("init-admin --username boss --password-env PW" + data, "PW=short");
  EXPECT_NE(weak.exit_code, 0);
  EXPECT_NE(weak.output.find("at least"), std::string::npos) << weak.output;
  auto created = run("init-admin --username boss --password-env PW" + data, "PW='First#Admin2026'");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_EQ(created.output.find("First#Admin2026"), std::string::npos)
      << "the password must not be echoed";

  DaemonOptions options;
  options.demo = false;
  options.args = {"--data-dir", dir.path() + "/var"};
  DaemonProcess daemon(options);
  EXPECT_NO_THROW(daemon.login("boss", "First#Admin2026"));
  EXPECT_EQ(daemon.log().find("DEMO ACCOUNTS"), std::string::npos);
  auto audit =
      daemon.client().get("/api/v1/audit?action=user.init_admin",
                          {{"Authorization", "Bearer " + daemon.login("boss", "First#Admin2026")}});
  EXPECT_EQ(audit.json()["total"], 1) << audit.body;
}

TEST(CommandLine, DemoStartWarnsAndEmptyStartExplains) {
  {
    DaemonProcess demo;
    EXPECT_NE(demo.log().find("DEMO ACCOUNTS ARE ACTIVE"), std::string::npos) << demo.log();
    EXPECT_EQ(demo.stop(), 0) << "SIGTERM is a clean stop";
  }
  DaemonOptions empty;
  empty.demo = false;
  DaemonProcess daemon(empty);
  EXPECT_NE(daemon.log().find("init-admin"), std::string::npos) << daemon.log();
  EXPECT_TRUE(std::filesystem::exists(daemon.data_dir() + "/hotline.db"));
}

}  // namespace
}  // namespace hotline::test
