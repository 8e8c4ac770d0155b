#include "daemon_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

#ifndef HOTLINE_DAEMON_PATH
#define HOTLINE_DAEMON_PATH "hotlined"
#endif

namespace hotline::test {

namespace fs = std::filesystem;

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kStopGrace = std::chrono::seconds(10);

fs::path make_temp_dir() {
  auto pattern = (fs::temp_directory_path() / "hotline-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  return pattern;
}

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// {"http.threads": "2", "debug": "true"} -> "debug = true\n[http]\nthreads = 2\n".
std::string render_toml(const std::map<std::string, std::string>& entries) {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> sections;
  for (const auto& [key, value] : entries) {
    const auto dot = key.rfind('.');
    if (dot == std::string::npos) {
      sections[""].emplace_back(key, value);
    } else {
      sections[key.substr(0, dot)].emplace_back(key.substr(dot + 1), value);
    }
  }
  std::string out;
  for (const auto& [section, values] : sections) {  // "" sorts first: top-level keys
    if (!section.empty()) out += "[" + section + "]\n";
    for (const auto& [key, value] : values) out += key + " = " + value + "\n";
  }
  return out;
}

// Exit status, or 128 + signal; -1 while running.
int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::uint16_t free_loopback_sip_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const auto port = free_loopback_port();
    const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool free = ::bind(udp, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(udp);
    if (free) return port;
  }
  throw std::runtime_error("no free loopback port for SIP");
}

std::string daemon_binary_path() {
  if (const char* env = std::getenv("HOTLINED"); env != nullptr && *env != '\0') return env;
  return HOTLINE_DAEMON_PATH;
}

DaemonProcess::DaemonProcess(DaemonOptions options) : temp_dir_(make_temp_dir()) {
  try {
    data_dir_ = (temp_dir_ / "data").string();
    fs::create_directories(data_dir_);
    const auto web_root = temp_dir_ / "web";
    fs::create_directories(web_root / "assets");
    write_file(web_root / "index.html",
               "<!doctype html><html><head><title>Hotline</title></head>"
               "<body><div id=\"app\">hotline test ui</div></body></html>\n");
    write_file(web_root / "assets" / "app.js", "console.log('hotline');\n");
    const auto config = temp_dir_ / "hotline.toml";
    write_file(config, render_toml(options.config_toml));
    log_file_ = temp_dir_ / "daemon.log";
    // A port picked as free may be taken by someone else before the daemon binds it (tests
    // run in parallel): then start again on new ports, a few times.
    for (int attempt = 1;; ++attempt) {
      port_ = free_loopback_port();
      sip_port_ = options.sip_port != 0 ? options.sip_port : free_loopback_sip_port();
      std::vector<std::string> argv{daemon_binary_path(), "--config", config.string(), "--data-dir",
                                    data_dir_, "--http", "127.0.0.1:" + std::to_string(port_),
                                    "--web-root", web_root.string(), "--sip",
                                    "127.0.0.1:" + std::to_string(sip_port_),
                                    // Below the kernel's ephemeral ports, and apart from the
                                    // default range a benchmark on the same machine may fill.
                                    "--rtp-ports", "10000-19999"};
      if (options.demo) argv.emplace_back("--demo");
      if (!options.db_url.empty()) {
        argv.emplace_back("--db");
        argv.push_back(options.db_url);
      }
      argv.insert(argv.end(), options.args.begin(), options.args.end());
      spawn(argv);
      try {
        wait_until_healthy();
        break;
      } catch (const std::runtime_error&) {
        const bool port_taken = log().find("cannot listen on") != std::string::npos;
        if (!port_taken || attempt == 3) throw;
        stop();
        exit_status_ = -1;
      }
    }
  } catch (...) {
    stop();
    std::error_code ignored;
    if (std::getenv("HOTLINE_KEEP_TEST_DIRS") == nullptr) fs::remove_all(temp_dir_, ignored);
    throw;
  }
}

DaemonProcess::~DaemonProcess() {
  stop();
  std::error_code ignored;
  if (std::getenv("HOTLINE_KEEP_TEST_DIRS") == nullptr) fs::remove_all(temp_dir_, ignored);
}

void DaemonProcess::spawn(const std::vector<std::string>& argv) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

  std::vector<char*> raw_argv;
  for (const auto& arg : argv) raw_argv.push_back(const_cast<char*>(arg.c_str()));
  raw_argv.push_back(nullptr);
  const int rc = posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, raw_argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
}

void DaemonProcess::wait_until_healthy() {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  HttpClient probe("127.0.0.1", port_, std::chrono::seconds(2));
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_status_ = decode_status(status);
      throw std::runtime_error("hotlined exited with status " + std::to_string(exit_status_) +
                               " during start-up; log:\n" + log_tail());
    }
    try {
      if (probe.get("/healthz").status == 200) return;
    } catch (const std::exception&) {
      // Not listening yet.
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("hotlined did not become healthy within 60 s; log:\n" + log_tail());
}

int DaemonProcess::stop() {
  if (pid_ <= 0) return exit_status_;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
  int status = 0;
  while (true) {
    const auto waited = waitpid(pid_, &status, WNOHANG);
    if (waited == pid_ || waited < 0) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  exit_status_ = decode_status(status);
  return exit_status_;
}

std::string DaemonProcess::log() const {
  std::ifstream in(log_file_, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string DaemonProcess::log_tail(std::size_t bytes) const {
  auto text = log();
  if (text.size() > bytes) text = "..." + text.substr(text.size() - bytes);
  return text;
}

HttpClient DaemonProcess::client() const {
  return HttpClient("127.0.0.1", port_);
}

std::string DaemonProcess::login(const std::string& user, const std::string& password) {
  const auto response =
      client().post_json("/api/v1/auth/login", {{"username", user}, {"password", password}});
  if (response.status != 200)
    throw std::runtime_error("login as " + user + " failed: HTTP " +
                             std::to_string(response.status) + " " + response.body);
  const auto body = response.json();
  if (!body.contains("token") || !body["token"].is_string())
    throw std::runtime_error("login response has no token: " + response.body);
  return body["token"].get<std::string>();
}

}  // namespace hotline::test
