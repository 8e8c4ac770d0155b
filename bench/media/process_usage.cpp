#include "process_usage.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace hotline::bench {

namespace {

std::filesystem::path proc_dir(pid_t pid) {
  return "/proc/" + std::to_string(pid);
}

// utime + stime from a /proc/.../stat line, in seconds.
double stat_cpu_seconds(const std::filesystem::path& stat_path) {
  std::ifstream stat(stat_path);
  std::string line;
  if (!std::getline(stat, line)) return 0;
  const auto close = line.rfind(')');  // the name may contain spaces and parentheses
  if (close == std::string::npos || close + 2 > line.size()) return 0;
  std::istringstream fields(line.substr(close + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
  long utime = 0, stime = 0;
  fields >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

double thread_cpu_seconds(pid_t pid, const std::string& prefix) {
  double total = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(proc_dir(pid) / "task", error)) {
    std::ifstream comm(entry.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind(prefix, 0) != 0) continue;
    total += stat_cpu_seconds(entry.path() / "stat");
  }
  return total;
}

double process_cpu_seconds(pid_t pid) {
  return stat_cpu_seconds(proc_dir(pid) / "stat");
}

long resident_kb(pid_t pid) {
  std::ifstream statm(proc_dir(pid) / "statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

}  // namespace hotline::bench
