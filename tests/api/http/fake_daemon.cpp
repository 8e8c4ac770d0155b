// A stand-in for hotlined that speaks just enough of its command line and API to test
// DaemonProcess: /healthz, a login that accepts demo/demo, and a clean exit on SIGTERM.
#include <signal.h>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "api/http/http_server.hpp"

namespace {

using namespace hotline;
using namespace hotline::api;

// The last occurrence wins, as with the real command line's extra arguments.
std::string option(const std::vector<std::string>& args, const std::string& name) {
  std::string value;
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == name) value = args[i + 1];
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  std::ofstream(option(args, "--data-dir") + "/args.txt") << [&] {
    std::string joined;
    for (const auto& arg : args) joined += arg + "\n";
    return joined;
  }();
  std::cout << "fake daemon starting" << std::endl;

  const auto endpoint = parse_endpoint(option(args, "--http"), "--http");
  if (!endpoint) {
    std::cerr << endpoint.error().message << std::endl;
    return 2;
  }
  // Blocked before the io threads start, so that only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Router router;
  router.add({http::verb::get, "/healthz", Access::public_route()}, [](Request&) {
    return Response::json({{"status", "ok"}});
  });
  router.add({http::verb::post, "/api/v1/auth/login", Access::public_route()}, [](Request& r) {
    const auto body = r.json_body();
    if (body.value("username", "") == "demo" && body.value("password", "") == "demo")
      return Response::json({{"token", "fake-token"}});
    return Response::error(401, "invalid_credentials", "wrong user name or password");
  });
  Metrics metrics;
  EventBus bus;
  HttpServer server({*endpoint, 1024 * 1024, 30, option(args, "--web-root"), 1, "fake"}, router, {},
                    metrics, bus);
  if (auto started = server.start(); !started) {
    std::cerr << started.error().message << std::endl;
    return 1;
  }
  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  std::cout << "fake daemon stopped" << std::endl;
  return 0;
}
