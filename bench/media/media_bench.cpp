// Capacity bench for media relays: N concurrent two-leg G.711 calls driven by the in-process
// load generator (load_generator.hpp) on loopback, through one of two targets (see run.sh):
//   --target engine     our media engine, every call bridged and recorded (engine_target.hpp)
//   --target rtpengine  a running rtpengine, every call relayed only (rtpengine_target.hpp),
//                       controlled at --ng ADDRESS:PORT; --rtpengine-pid for CPU and memory
// Prints one line of key=value figures.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include "engine_target.hpp"
#include "load_generator.hpp"
#include "rtpengine_target.hpp"

using namespace hotline;
using namespace hotline::bench;

namespace {

struct Options {
  std::string target = "engine";
  int calls = 100;
  int seconds = 20;
  EngineTargetOptions engine;
  std::string ng = "127.0.0.1:12223";
  pid_t rtpengine_pid = 0;
  int generator_priority = 0;
};

bool parse(int argc, char** argv, Options& options) try {
  for (int i = 1; i < argc; i += 2) {
    const std::string name = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", name.c_str());
      return false;
    }
    const std::string value = argv[i + 1];
    if (name == "--target")
      options.target = value;
    else if (name == "--calls")
      options.calls = std::stoi(value);
    else if (name == "--seconds")
      options.seconds = std::stoi(value);
    else if (name == "--workers")
      options.engine.workers = static_cast<unsigned>(std::stoi(value));
    else if (name == "--record-dir")
      options.engine.record_dir = value;
    else if (name == "--realtime-priority")
      options.engine.realtime_priority = std::stoi(value);
    else if (name == "--generator-priority")
      options.generator_priority = std::stoi(value);
    else if (name == "--ng")
      options.ng = value;
    else if (name == "--rtpengine-pid")
      options.rtpengine_pid = static_cast<pid_t>(std::stoi(value));
    else {
      std::fprintf(stderr, "unknown option %s\n", name.c_str());
      return false;
    }
  }
  if (options.target != "engine" && options.target != "rtpengine") {
    std::fprintf(stderr, "--target is engine or rtpengine\n");
    return false;
  }
  if (options.target == "rtpengine" && options.rtpengine_pid <= 0) {
    std::fprintf(stderr, "--target rtpengine needs --rtpengine-pid\n");
    return false;
  }
  return options.calls > 0 && options.seconds > 0;
} catch (const std::exception&) {  // std::stoi on a value that is not a number
  std::fprintf(stderr, "option values must be numbers where numbers are expected\n");
  return false;
}

Result<std::unique_ptr<BenchTarget>> make_target(const Options& options) {
  if (options.target == "engine") {
    auto engine = EngineTarget::start(options.engine);
    if (!engine) return engine.error();
    return std::unique_ptr<BenchTarget>(std::move(*engine));
  }
  const auto colon = options.ng.rfind(':');
  if (colon == std::string::npos) return Error{"bad_option", "--ng is ADDRESS:PORT"};
  auto control = media::SocketAddress::parse(
      options.ng.substr(0, colon),
      static_cast<std::uint16_t>(std::stoi(options.ng.substr(colon + 1))));
  if (!control) return control.error();
  auto rtpengine = RtpengineTarget::connect(*control, options.rtpengine_pid);
  if (!rtpengine) return rtpengine.error();
  return std::unique_ptr<BenchTarget>(std::move(*rtpengine));
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: media_bench [--target engine|rtpengine] [--calls N] [--seconds S]\n"
                 "  [--generator-priority P]  SCHED_FIFO priority of the sending thread\n"
                 "  engine: [--workers W] [--realtime-priority P] [--record-dir DIR]\n"
                 "  rtpengine: --ng ADDRESS:PORT --rtpengine-pid PID\n");
    return 2;
  }
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);

  auto generator =
      LoadGenerator::create(options.calls, options.seconds, options.generator_priority);
  if (!generator) {
    std::fprintf(stderr, "generator: %s\n", generator.error().message.c_str());
    return 1;
  }
  auto target = make_target(options);
  if (!target) {
    std::fprintf(stderr, "%s: %s\n", options.target.c_str(), target.error().message.c_str());
    return 1;
  }
  const long resident_before = (*target)->resident_kb();
  auto relay = (*target)->open_calls(options.calls, (*generator)->address());
  if (!relay) {
    std::fprintf(stderr, "%s: %s\n", options.target.c_str(), relay.error().message.c_str());
    return 1;
  }
  const LoadReport report = (*generator)->run(*relay, **target);
  const std::string extra = (*target)->close_calls(report.window_s);
  target->reset();

  std::printf(
      "target=%s mode=%s calls=%d seconds=%.1f offered_pct=%.1f loss_pct=%.4f "
      "jitter_p50_ms=%.2f jitter_p99_ms=%.2f delay_spread_p50_ms=%.2f delay_spread_p99_ms=%.2f "
      "generator_late_p99_ms=%.2f cpu_pct_per_call=%.4f target_cpu_pct=%.1f "
      "bench_process_cpu_pct=%.1f "
      "mem_kb_per_call=%.1f duplicates=%llu foreign=%llu%s\n",
      options.target.c_str(), options.target == "engine" ? "bridged+recorded" : "relay-only",
      options.calls, report.window_s, report.offered_pct, report.loss_pct, report.jitter_p50_ms,
      report.jitter_p99_ms, report.delay_spread_p50_ms, report.delay_spread_p99_ms,
      report.generator_late_p99_ms, 100.0 * report.target_cpu_s / report.window_s / options.calls,
      100.0 * report.target_cpu_s / report.window_s, 100.0 * report.process_cpu_s / report.window_s,
      static_cast<double>(report.target_resident_kb - resident_before) / options.calls,
      static_cast<unsigned long long>(report.duplicates),
      static_cast<unsigned long long>(report.foreign), extra.c_str());
  return 0;
}
