// hotlined: the Hotline call-centre daemon.
#include "app/command_line.hpp"
#include "app/daemon.hpp"

int main(int argc, char** argv) {
  using namespace hotline::app;
  auto parsed = parse_command_line(argc, argv);
  if (!parsed.command_line) return parsed.exit_code;
  const auto& command_line = *parsed.command_line;
  switch (command_line.command) {
    case Command::InitAdmin:
      return run_init_admin(command_line.config, command_line.init_admin);
    case Command::Migrate:
      return run_migrate(command_line.config);
    case Command::CheckConfig:
      return 0;  // the configuration was parsed and validated above
    case Command::Run:
      break;
  }
  return run_daemon(command_line.config);
}
