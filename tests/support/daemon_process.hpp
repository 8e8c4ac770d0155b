#pragma once
// Starts the real hotlined for API tests: a fresh data directory, a free loopback port, a
// generated config file and a tiny web root; stops it (SIGTERM) and cleans up at the end.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "http_client.hpp"

namespace hotline::test {

struct DaemonOptions {
  std::vector<std::string> args;  // appended to the generated command line
  std::string db_url;             // passed as --db when non-empty
  bool demo = true;               // passes --demo
  // "section.key" -> TOML literal (e.g. {"auth.session_idle_minutes", "5"},
  // {"log.level", "\"debug\""}), written to the config file given with --config.
  std::map<std::string, std::string> config_toml;
  // SIP port on 127.0.0.1 (UDP and TCP), passed as --sip; 0: a free one.
  std::uint16_t sip_port = 0;
};

class DaemonProcess {
 public:
  // Binary: $HOTLINED, else the build's hotlined. Waits up to 60 s for GET /healthz to answer
  // 200; throws std::runtime_error with the end of the daemon's log otherwise.
  explicit DaemonProcess(DaemonOptions options = {});
  // SIGTERM, up to 10 s grace, then SIGKILL; removes the temporary directory (kept when
  // HOTLINE_KEEP_TEST_DIRS is set, for post-mortems).
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  std::uint16_t port() const { return port_; }
  std::uint16_t sip_port() const { return sip_port_; }
  const std::string& data_dir() const { return data_dir_; }
  // Everything the daemon wrote to stdout and stderr so far.
  std::string log() const;
  HttpClient client() const;
  // POST /api/v1/auth/login; returns the session token (use as `Authorization: Bearer`).
  // Throws std::runtime_error with the status and body when the login is refused.
  std::string login(const std::string& user, const std::string& password);
  // SIGTERM and wait (SIGKILL after 10 s); returns the exit status, or 128 + signal number
  // when the daemon was killed by a signal. Later calls return the same value.
  int stop();

 private:
  void spawn(const std::vector<std::string>& argv);
  void wait_until_healthy();
  std::string log_tail(std::size_t bytes = 4000) const;

  std::filesystem::path temp_dir_;
  std::string data_dir_;
  std::filesystem::path log_file_;
  std::uint16_t port_ = 0;
  std::uint16_t sip_port_ = 0;
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

// A loopback port free for both UDP and TCP at the time of the call.
std::uint16_t free_loopback_sip_port();

// The daemon binary DaemonProcess starts.
std::string daemon_binary_path();

}  // namespace hotline::test
