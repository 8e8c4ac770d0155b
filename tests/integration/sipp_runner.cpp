#include "sipp_runner.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "daemon_process.hpp"

namespace hotline::test {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// True when a UDP socket is bound to `ip`:`port`, read from /proc/net/udp (binding a probe
// socket instead would race with the process starting up and make it fail).
bool udp_port_bound(const std::string& ip, std::uint16_t port) {
  in_addr address{};
  if (::inet_pton(AF_INET, ip.c_str(), &address) != 1) return false;
  char wanted[32];
  std::snprintf(wanted, sizeof wanted, "%08X:%04X", address.s_addr, port);
  std::ifstream table("/proc/net/udp");
  std::string line;
  std::getline(table, line);  // the header
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local;
    fields >> slot >> local;
    if (local == wanted) return true;
  }
  return false;
}

SippRun run_sipp_once(std::uint16_t sip_port, const SippArgs& args, std::uint16_t port);

}  // namespace

bool wait_for_udp_listener(const std::string& ip, std::uint16_t port, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!udp_port_bound(ip, port)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // SIPp binds before it reads its scenario's first step; give it a moment to get there.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return true;
}

SippRun run_sipp(std::uint16_t sip_port, const SippArgs& args) {
  // A free port picked here can be taken by a parallel test before SIPp binds it: SIPp then
  // fails at once ("Unable to bind main socket"), and another free port is tried.
  for (int attempt = 0;; ++attempt) {
    auto run = run_sipp_once(sip_port, args,
                             args.local_port != 0 ? args.local_port : free_loopback_sip_port());
    if (args.local_port != 0 || attempt == 2 ||
        run.output.find("Unable to bind main socket") == std::string::npos)
      return run;
  }
}

namespace {

SippRun run_sipp_once(std::uint16_t sip_port, const SippArgs& args, std::uint16_t port) {
  const auto dir = fs::temp_directory_path() / ("hotline-sipp-" + std::to_string(::getpid()) + "-" +
                                                args.local_ip + "-" + std::to_string(port));
  fs::create_directories(dir);
  const auto out = dir / "sipp.out";
  std::string scenario = std::string(HOTLINE_SIPP_DIR) + "/" + args.scenario;
  auto replace = args.replace;
  if (!args.expect.empty()) replace["[expect]"] = args.expect;
  if (!replace.empty()) {
    std::string xml = read_text(scenario);
    for (const auto& [word, value] : replace)
      for (auto at = xml.find(word); at != std::string::npos;
           at = xml.find(word, at + value.size()))
        xml.replace(at, word.size(), value);
    scenario = (dir / "scenario.xml").string();
    std::ofstream(scenario) << xml;
  }
  std::ostringstream command;
  command << "cd " << dir << " && timeout " << args.timeout_s + 50 << " sipp 127.0.0.1:" << sip_port
          << " -sf " << scenario << " -m " << args.calls << " -i " << args.local_ip << " -mi "
          << args.local_ip << " -p " << port << " -t u1 -s " << args.service << " -au "
          << (args.auth_user.empty() ? args.service : args.auth_user) << " -ap '"
          << args.auth_password << "' -nostdin -timeout " << args.timeout_s
          << "s -timeout_error -max_recv_loops 1000";
  if (args.pause_ms > 0) command << " -d " << args.pause_ms;
  command << " " << args.extra << " > " << out << " 2>&1";
  const int status = std::system(command.str().c_str());
  SippRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.output = read_text(out);
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return run;
}

}  // namespace

}  // namespace hotline::test
