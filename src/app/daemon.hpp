#pragma once
// The running daemon: opens storage, wires the modules and serves until a signal.
#include "app/command_line.hpp"

namespace hotline::app {

// Returns the process exit code.
int run_daemon(const Config& config);
int run_init_admin(const Config& config, const InitAdminOptions& options);
int run_migrate(const Config& config);

}  // namespace hotline::app
