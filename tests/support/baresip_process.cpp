#include "baresip_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tone_analysis.hpp"

extern char** environ;

namespace hotline::test {

namespace fs = std::filesystem;

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(5);
constexpr auto kStopGrace = std::chrono::seconds(5);
constexpr auto kPoll = std::chrono::milliseconds(50);

fs::path make_temp_dir() {
  auto pattern = (fs::temp_directory_path() / "hotline-baresip-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  return pattern;
}

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Binds a socket of `type` to ip:port (0: the kernel picks); returns the bound port, 0 when
// the bind fails. The socket is closed again: the port is only probed.
std::uint16_t probe_bind(const std::string& ip, int type, std::uint16_t port) {
  const int fd = ::socket(AF_INET, type, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
  std::uint16_t bound = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
      bound = ntohs(address.sin_port);
  }
  ::close(fd);
  return bound;
}

// Colour escape sequences out, '\r' (baresip redraws its status line with it) to '\n'.
std::string clean_log(const std::string& raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\x1b') {
      while (i + 1 < raw.size() && !std::isalpha(static_cast<unsigned char>(raw[i + 1]))) ++i;
      ++i;  // the final letter
      continue;
    }
    out.push_back(raw[i] == '\r' ? '\n' : raw[i]);
  }
  return out;
}

std::optional<std::string> find_line(const std::string& log, const std::string& text) {
  const auto at = log.find(text);
  if (at == std::string::npos) return std::nullopt;
  const auto begin = log.rfind('\n', at);
  const auto end = log.find('\n', at);
  const auto first = begin == std::string::npos ? 0 : begin + 1;
  return log.substr(first, end == std::string::npos ? std::string::npos : end - first);
}

std::string render_config(const BaresipOptions& options, std::uint16_t port, const fs::path& source,
                          const fs::path& audio_dir) {
  std::ostringstream config;
  config << "poll_method epoll\n"
         << "sip_listen " << options.listen_ip << ":" << port << "\n"
         << "net_interface " << options.listen_ip << "\n"
         << "call_max_calls 4\n"
         << "audio_source aufile," << source.string() << "\n"
         << "audio_player alsa,null\n"
         << "audio_alert alsa,null\n"
         << "module_path /usr/lib/baresip/modules\n"
         << "module g711.so\n"
         << "module aufile.so\n"
         << "module alsa.so\n";
  if (options.record) config << "module sndfile.so\nsnd_path " << audio_dir.string() << "\n";
  config << "module_tmp account.so\n"
         << "module_app menu.so\n";
  return config.str();
}

std::string render_account(const BaresipOptions& options) {
  if (options.password.find_first_of(";>") != std::string::npos)
    throw std::invalid_argument("a baresip auth_pass cannot contain ';' or '>'");
  std::ostringstream account;
  account << "<sip:" << options.user << "@" << options.registrar << ";transport=udp>";
  if (!options.password.empty()) account << ";auth_pass=" << options.password;
  account << ";answermode=" << options.answer_mode
          << ";regint=" << (options.register_account ? options.register_interval : 0) << "\n";
  return account.str();
}

}  // namespace

std::uint16_t free_baresip_port(const std::string& ip) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const auto port = probe_bind(ip, SOCK_DGRAM, 0);
    if (port == 0 || port == 65535) continue;
    if (probe_bind(ip, SOCK_STREAM, port) == port &&
        probe_bind(ip, SOCK_STREAM, static_cast<std::uint16_t>(port + 1)) == port + 1)
      return port;
  }
  throw std::runtime_error("no free port pair for baresip on " + ip);
}

BaresipProcess::BaresipProcess(BaresipOptions options)
    : options_(std::move(options)), dir_(make_temp_dir()) {
  try {
    const auto audio_dir = dir_ / "audio";
    fs::create_directories(audio_dir);
    auto source = options_.source_wav;
    if (source.empty()) {
      source = dir_ / "silence.wav";
      write_tone_wav(source, 0.0, options_.silence_seconds);
    }
    write_file(dir_ / "accounts", render_account(options_));
    const char* env = std::getenv("BARESIP");
    const std::string binary = env != nullptr && *env != '\0' ? env : "baresip";
    const auto log_path = dir_ / "baresip.log";
    // A port probed as free can be taken before baresip binds it: try again on a new one.
    for (int attempt = 1;; ++attempt) {
      sip_port_ =
          options_.sip_port != 0 ? options_.sip_port : free_baresip_port(options_.listen_ip);
      write_file(dir_ / "config", render_config(options_, sip_port_, source, audio_dir));
      std::vector<std::string> argv{binary, "-f", dir_.string()};
      if (options_.verbose) argv.emplace_back("-v");
      if (options_.sip_trace) argv.emplace_back("-s");
      if (options_.quit_after_seconds > 0) {
        argv.emplace_back("-t");
        argv.push_back(std::to_string(options_.quit_after_seconds));
      }
      for (const auto& command : options_.commands) {
        argv.emplace_back("-e");
        argv.push_back(command);
      }
      posix_spawn_file_actions_t actions;
      posix_spawn_file_actions_init(&actions);
      posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0644);
      posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
      posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
      std::vector<char*> raw_argv;
      for (const auto& arg : argv) raw_argv.push_back(const_cast<char*>(arg.c_str()));
      raw_argv.push_back(nullptr);
      const int rc =
          posix_spawnp(&pid_, binary.c_str(), &actions, nullptr, raw_argv.data(), environ);
      posix_spawn_file_actions_destroy(&actions);
      if (rc != 0) {
        pid_ = -1;
        throw std::runtime_error("cannot start " + binary + ": " + std::strerror(rc));
      }
      if (wait_for_line("baresip is ready", kStartTimeout)) break;
      const bool port_taken = log().find("Address already in use") != std::string::npos;
      stop();
      if (!port_taken || options_.sip_port != 0 || attempt == 3)
        throw std::runtime_error("baresip did not start (status " + std::to_string(exit_status_) +
                                 "); log:\n" + log_tail());
      exit_status_ = -1;
    }
  } catch (...) {
    stop();
    std::error_code ignored;
    if (std::getenv("HOTLINE_KEEP_TEST_DIRS") == nullptr) fs::remove_all(dir_, ignored);
    throw;
  }
}

BaresipProcess::~BaresipProcess() {
  stop();
  std::error_code ignored;
  if (std::getenv("HOTLINE_KEEP_TEST_DIRS") == nullptr) fs::remove_all(dir_, ignored);
}

bool BaresipProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const auto waited = waitpid(pid_, &status, WNOHANG);
  if (waited == 0) return true;
  exit_status_ = waited == pid_ ? decode_status(status) : -1;
  pid_ = -1;
  return false;
}

int BaresipProcess::stop() {
  if (!running()) return exit_status_;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      exit_status_ = decode_status(status);
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_status_;
}

std::string BaresipProcess::log() const {
  std::ifstream in(dir_ / "baresip.log", std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return clean_log(content.str());
}

std::string BaresipProcess::log_tail(std::size_t bytes) const {
  auto text = log();
  if (text.size() > bytes) text = "..." + text.substr(text.size() - bytes);
  return text;
}

std::optional<std::string> BaresipProcess::wait_for_line(const std::string& text,
                                                         std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const bool alive = running();  // before reading: a line written just before exit counts
    if (auto line = find_line(log(), text)) return line;
    if (!alive || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPoll);
  }
}

RegistrationResult BaresipProcess::wait_for_registration(std::chrono::milliseconds timeout,
                                                         std::string* line) {
  // Success: "1001@127.0.0.1: {0/UDP/v4} 200 OK (hotlined) [1 binding]".
  // Failure: "reg: sip:1001@127.0.0.1:5060: 403 Forbidden ()" or "...: Register: <error>".
  const std::string ok = "} 200 ";
  const std::string failed = "reg: sip:" + options_.user + "@";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const bool alive = running();
    const auto text = log();
    const auto success = find_line(text, ok);
    const auto failure = find_line(text, failed);
    if (success && (!failure || text.find(*success) < text.find(*failure))) {
      if (line != nullptr) *line = *success;
      return RegistrationResult::Registered;
    }
    if (failure) {
      if (line != nullptr) *line = *failure;
      return RegistrationResult::Failed;
    }
    if (!alive || std::chrono::steady_clock::now() >= deadline) {
      if (line != nullptr) *line = alive ? "" : "baresip exited";
      return RegistrationResult::Timeout;
    }
    std::this_thread::sleep_for(kPoll);
  }
}

bool BaresipProcess::wait_for_call_established(std::chrono::milliseconds timeout) {
  return wait_for_line("Call established: ", timeout).has_value();
}

bool BaresipProcess::wait_for_call_closed(std::chrono::milliseconds timeout) {
  return wait_for_line(" terminated (duration: ", timeout).has_value();
}

std::vector<fs::path> BaresipProcess::audio_files(const std::string& suffix) const {
  std::vector<fs::path> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir_ / "audio", error)) {
    const auto name = entry.path().filename().string();
    if (name.size() > suffix.size() && name.ends_with(suffix)) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // the names start with the date and time
  return files;
}

std::vector<fs::path> BaresipProcess::received_audio_files() const {
  return audio_files("-dec.wav");
}

std::vector<fs::path> BaresipProcess::sent_audio_files() const {
  return audio_files("-enc.wav");
}

}  // namespace hotline::test
