#pragma once
// Runs SIPp (Debian's sip-tester) once against the daemon: a scenario from
// tests/integration/sipp, bound to a loopback address and port, as phone or carrier.
#include <cstdint>
#include <map>
#include <string>

namespace hotline::test {

struct SippRun {
  int exit_code = -1;  // 0: the scenario passed
  std::string output;
};

struct SippArgs {
  std::string scenario;
  std::string local_ip = "127.0.0.1";
  std::uint16_t local_port = 0;  // 0: a free one
  std::string service = "1001";  // -s: the Request-URI user (extension or number dialled)
  std::string extra;             // more SIPp options
  int calls = 1;
  std::string expect;     // written over [expect] in the scenario (SIPp takes no variables there)
  std::string auth_user;  // -au; empty: the service
  std::string auth_password;
  // Other words SIPp does not know, written into a copy of the scenario.
  std::map<std::string, std::string> replace;
  int pause_ms = 0;    // -d: the length of a <pause/> without its own duration
  int timeout_s = 40;  // -timeout: the whole scenario
};

SippRun run_sipp(std::uint16_t sip_port, const SippArgs& args);

// Waits until something (a SIPp phone started in the background) has bound UDP `ip`:`port`,
// so a call is not sent to a phone that is not listening yet. False after `timeout_ms`.
bool wait_for_udp_listener(const std::string& ip, std::uint16_t port, int timeout_ms = 10000);

}  // namespace hotline::test
