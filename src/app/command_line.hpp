#pragma once
// Command line of hotlined: the daemon by default, plus maintenance subcommands.
#include <optional>
#include <string>

#include "common/config.hpp"
#include "common/result.hpp"

namespace hotline::app {

enum class Command { Run, InitAdmin, Migrate, CheckConfig };

struct InitAdminOptions {
  std::string username = "admin";
  std::string display_name = "系统管理员";
  std::string password_env;  // read the password from this variable, else from standard input
};

struct CommandLine {
  Command command = Command::Run;
  Config config;
  InitAdminOptions init_admin;
};

// Parses argv, loads the config file and applies overrides. `exit_code` is set when the
// program should stop at once (help, version, errors already printed).
struct ParseOutcome {
  std::optional<CommandLine> command_line;
  int exit_code = 0;
};

ParseOutcome parse_command_line(int argc, char** argv);

}  // namespace hotline::app
