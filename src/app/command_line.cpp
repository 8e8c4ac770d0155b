#include "app/command_line.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "common/version.hpp"

namespace hotline::app {

namespace {

constexpr const char* kDefaultConfig = "etc/hotline.toml";

struct Overrides {
  std::string config_path;
  std::string data_dir;
  std::string http;
  std::string sip;
  std::string rtp_ports;
  std::string db;
  std::string web_root;
  std::string log_level;
  bool demo = false;
};

void add_common_options(CLI::App& app, Overrides& o) {
  app.add_option("--config", o.config_path, "TOML configuration file (default etc/hotline.toml)");
  app.add_option("--data-dir", o.data_dir,
                 "Directory for the database, recordings and files (default ./var)");
  app.add_option("--http", o.http, "HTTP listen address HOST:PORT (default 0.0.0.0:8080)");
  app.add_option("--sip", o.sip,
                 "SIP listen address HOST:PORT, UDP and TCP (default 0.0.0.0:5060)");
  app.add_option("--rtp-ports", o.rtp_ports, "RTP port range LOW-HIGH (default 20000-29999)");
  app.add_option("--db", o.db,
                 "Database URL: sqlite://FILE or postgresql://USER:PASS@HOST:PORT/DB");
  app.add_option("--web-root", o.web_root, "Directory of the built web UI (default web/dist)");
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error");
}

Result<Config> build_config(const Overrides& o) {
  Config config;
  if (!o.config_path.empty()) {
    auto loaded = load_config_file(o.config_path);
    if (!loaded) return loaded.error();
    config = *loaded;
  } else if (std::filesystem::exists(kDefaultConfig)) {
    auto loaded = load_config_file(kDefaultConfig);
    if (!loaded) return loaded.error();
    config = *loaded;
  }
  if (!o.data_dir.empty()) config.data_dir = o.data_dir;
  if (!o.http.empty()) {
    auto endpoint = parse_endpoint(o.http, "--http");
    if (!endpoint) return endpoint.error();
    config.http.listen = *endpoint;
  }
  if (!o.sip.empty()) {
    auto endpoint = parse_endpoint(o.sip, "--sip");
    if (!endpoint) return endpoint.error();
    config.sip.listen = *endpoint;
  }
  if (!o.rtp_ports.empty()) config.calls.rtp_ports = o.rtp_ports;
  if (!o.db.empty()) config.database.url = o.db;
  if (!o.web_root.empty()) config.http.web_root = o.web_root;
  if (!o.log_level.empty()) {
    auto checked = parse_config(fmt::format("[log]\nlevel = \"{}\"\n", o.log_level), "--log-level");
    if (!checked)
      return Error{"config_invalid",
                   "--log-level: must be one of trace, debug, info, warn, error, critical, off"};
    config.log.level = o.log_level;
  }
  if (o.demo) config.demo = true;
  return config;
}

}  // namespace

ParseOutcome parse_command_line(int argc, char** argv) {
  CLI::App app{"hotlined: the Hotline call-centre daemon"};
  app.set_version_flag("--version", kVersion);
  // A later option wins, so wrappers can append overrides to a command line.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  Overrides overrides;
  add_common_options(app, overrides);
  app.add_flag("--demo", overrides.demo, "Load demo users and data into an empty database");

  CommandLine result;
  auto* init_admin = app.add_subcommand("init-admin", "Create (or reset) an administrator account");
  init_admin->add_option("--username", result.init_admin.username, "Login name (default admin)");
  init_admin->add_option("--display-name", result.init_admin.display_name, "Name shown in the UI");
  init_admin->add_option(
      "--password-env", result.init_admin.password_env,
      "Read the password from this environment variable (default: standard input)");
  auto* migrate = app.add_subcommand("migrate", "Apply database migrations and exit");
  auto* check_config = app.add_subcommand("check-config", "Validate the configuration and exit");
  // Daemon options may also follow the subcommand: `hotlined init-admin --data-dir D`.
  for (auto* sub : {init_admin, migrate, check_config}) sub->fallthrough();
  app.require_subcommand(0, 1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, app.exit(e)};
  }
  if (init_admin->parsed()) result.command = Command::InitAdmin;
  if (migrate->parsed()) result.command = Command::Migrate;
  if (check_config->parsed()) result.command = Command::CheckConfig;

  auto config = build_config(overrides);
  if (!config) {
    std::cerr << "hotlined: " << config.error().message << "\n";
    return {std::nullopt, 2};
  }
  result.config = *config;
  return {result, 0};
}

}  // namespace hotline::app
