#pragma once
// CPU time and resident memory of processes and threads, read from /proc (Linux).
#include <sys/types.h>
#include <string>

namespace hotline::bench {

// CPU seconds (user + system) used so far by the threads of `pid` whose names start with
// `prefix` ("" for all threads).
double thread_cpu_seconds(pid_t pid, const std::string& prefix);

// CPU seconds used so far by the whole process `pid` (all threads, live and exited).
double process_cpu_seconds(pid_t pid);

// Resident set size of `pid` in KiB.
long resident_kb(pid_t pid);

}  // namespace hotline::bench
