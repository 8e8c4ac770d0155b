#include "common/config.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace hotline {

Result<Endpoint> parse_endpoint(std::string_view text, std::string_view key) {
  auto bad = [&](std::string_view why) {
    return Error{"config_invalid", fmt::format("{}: '{}' {} (expected HOST:PORT)", key, text, why)};
  };
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad("is not a valid address");
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("has no port");
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  if (host.empty()) return bad("has no host");
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535)
    return bad("has an invalid port");
  return Endpoint{host, static_cast<std::uint16_t>(port)};
}

std::string Config::effective_database_url() const {
  if (!database.url.empty()) return database.url;
  return "sqlite://" + data_dir + "/hotline.db";
}

namespace {

// Applies one TOML value to a setting; returns an error message (empty when fine).
using Setter = std::function<std::string(const toml::node&)>;

Setter int_setter(int& target, int min, int max) {
  return [&target, min, max](const toml::node& node) -> std::string {
    const auto value = node.value<std::int64_t>();
    if (!value || !node.is_integer()) return "must be an integer";
    if (*value < min || *value > max) return fmt::format("must be between {} and {}", min, max);
    target = static_cast<int>(*value);
    return {};
  };
}

Setter string_setter(std::string& target) {
  return [&target](const toml::node& node) -> std::string {
    if (!node.is_string()) return "must be a string";
    target = *node.value<std::string>();
    return {};
  };
}

Setter bool_setter(bool& target) {
  return [&target](const toml::node& node) -> std::string {
    if (!node.is_boolean()) return "must be true or false";
    target = *node.value<bool>();
    return {};
  };
}

Setter endpoint_setter(Endpoint& target, std::string key) {
  return [&target, key](const toml::node& node) -> std::string {
    if (!node.is_string()) return "must be a string HOST:PORT";
    auto parsed = parse_endpoint(*node.value<std::string>(), key);
    if (!parsed) return parsed.error().message.substr(key.size() + 2);
    target = *parsed;
    return {};
  };
}

Setter string_list_setter(std::vector<std::string>& target) {
  return [&target](const toml::node& node) -> std::string {
    const auto* array = node.as_array();
    if (!array) return "must be an array of strings";
    std::vector<std::string> values;
    for (const auto& item : *array) {
      if (!item.is_string()) return "must be an array of strings";
      values.push_back(*item.value<std::string>());
    }
    target = std::move(values);
    return {};
  };
}

void add_sip_setters(std::map<std::string, Setter>& s, SipConfig& sip) {
  s["sip.listen"] = endpoint_setter(sip.listen, "sip.listen");
  s["sip.tls_listen"] = endpoint_setter(sip.tls_listen, "sip.tls_listen");
  s["sip.tls_certificate_dir"] = string_setter(sip.tls_certificate_dir);
  s["sip.realm"] = [&sip](const toml::node& node) -> std::string {
    if (!node.is_string() || node.value<std::string>()->empty())
      return "must be a non-empty string";
    const auto value = *node.value<std::string>();
    // The realm is quoted in WWW-Authenticate: keep it to safe characters.
    for (const char c : value)
      if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
        return "must not contain quotes, backslashes or control characters";
    sip.realm = value;
    return {};
  };
  s["sip.nonce_lifetime_seconds"] = int_setter(sip.nonce_lifetime_seconds, 5, 24 * 3600);
  s["sip.register_min_expires"] = int_setter(sip.register_min_expires, 1, 24 * 3600);
  s["sip.register_max_expires"] = int_setter(sip.register_max_expires, 1, 7 * 24 * 3600);
  s["sip.register_default_expires"] = int_setter(sip.register_default_expires, 1, 7 * 24 * 3600);
  s["sip.keepalive_interval_seconds"] = int_setter(sip.keepalive_interval_seconds, 0, 3600);
  s["sip.auth_max_failures"] = int_setter(sip.auth_max_failures, 1, 100000);
  s["sip.auth_window_seconds"] = int_setter(sip.auth_window_seconds, 1, 24 * 3600);
  s["sip.block_seconds"] = int_setter(sip.block_seconds, 1, 30 * 24 * 3600);
  s["sip.max_messages_per_second"] = int_setter(sip.max_messages_per_second, 1, 100000);
  s["sip.scanner_user_agents"] = string_list_setter(sip.scanner_user_agents);
  s["sip.md5_only_user_agents"] = string_list_setter(sip.md5_only_user_agents);
}

std::map<std::string, Setter> setters_for(Config& c) {
  std::map<std::string, Setter> s;
  s["server.data_dir"] = string_setter(c.data_dir);
  s["server.demo"] = bool_setter(c.demo);
  s["http.listen"] = endpoint_setter(c.http.listen, "http.listen");
  s["http.body_limit_kib"] = [&c](const toml::node& node) -> std::string {
    const auto value = node.value<std::int64_t>();
    if (!node.is_integer() || !value || *value < 1 || *value > 1024 * 1024)
      return "must be an integer between 1 and 1048576";
    c.http.body_limit_bytes = static_cast<std::size_t>(*value) * 1024;
    return {};
  };
  s["http.threads"] = int_setter(c.http.threads, 1, 256);
  s["http.request_timeout_seconds"] = int_setter(c.http.request_timeout_seconds, 1, 3600);
  s["http.web_root"] = string_setter(c.http.web_root);
  s["http.metrics_public"] = bool_setter(c.http.metrics_public);
  s["database.url"] = string_setter(c.database.url);
  s["database.pool_size"] = int_setter(c.database.pool_size, 1, 64);
  s["auth.session_idle_minutes"] = int_setter(c.auth.session_idle_minutes, 1, 24 * 60);
  s["auth.session_max_hours"] = int_setter(c.auth.session_max_hours, 1, 24 * 7);
  s["auth.password_min_length"] = int_setter(c.auth.password_min_length, 8, 128);
  s["auth.account_max_failures"] = int_setter(c.auth.account_max_failures, 1, 1000);
  s["auth.account_lock_minutes"] = int_setter(c.auth.account_lock_minutes, 1, 24 * 60);
  s["auth.address_max_failures"] = int_setter(c.auth.address_max_failures, 1, 100000);
  s["auth.address_window_minutes"] = int_setter(c.auth.address_window_minutes, 1, 24 * 60);
  s["auth.address_block_minutes"] = int_setter(c.auth.address_block_minutes, 1, 24 * 60);
  s["auth.cookie_secure"] = bool_setter(c.auth.cookie_secure);
  s["log.level"] = [&c](const toml::node& node) -> std::string {
    static const char* levels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (!node.is_string()) return "must be a string";
    const auto value = *node.value<std::string>();
    for (const char* level : levels)
      if (value == level) {
        c.log.level = value;
        return {};
      }
    return "must be one of trace, debug, info, warn, error, critical, off";
  };
  s["log.file"] = string_setter(c.log.file);
  add_sip_setters(s, c.sip);
  s["calls.rtp_ports"] = string_setter(c.calls.rtp_ports);
  s["calls.media_address"] = string_setter(c.calls.media_address);
  s["calls.media_workers"] = int_setter(c.calls.media_workers, 0, 64);
  s["calls.ring_timeout_seconds"] = int_setter(c.calls.ring_timeout_seconds, 5, 600);
  s["calls.session_expires_seconds"] = int_setter(c.calls.session_expires_seconds, 90, 86400);
  s["calls.min_session_expires_seconds"] =
      int_setter(c.calls.min_session_expires_seconds, 90, 86400);
  s["calls.max_call_seconds"] = int_setter(c.calls.max_call_seconds, 60, 24 * 3600);
  s["calls.recording_format"] = [&c](const toml::node& node) -> std::string {
    if (!node.is_string()) return "must be a string";
    const auto value = *node.value<std::string>();
    if (value != "mp3" && value != "wav") return "must be mp3 or wav";
    c.calls.recording_format = value;
    return {};
  };
  s["calls.trunk_retry_after_seconds"] = int_setter(c.calls.trunk_retry_after_seconds, 1, 3600);
  s["ivr.survey_flow"] = string_setter(c.ivr.survey_flow);
  s["ivr.max_flow_jumps"] = int_setter(c.ivr.max_flow_jumps, 1, 100);
  s["ivr.tts_rate"] = int_setter(c.ivr.tts_rate, 80, 400);
  s["calls.max_calls"] = int_setter(c.calls.max_calls, 0, 1'000'000);
  s["calls.media_timeout_seconds"] = int_setter(c.calls.media_timeout_seconds, 0, 86400);
  s["calls.overload_queue_ms"] = int_setter(c.calls.overload_queue_ms, 50, 60'000);
  return s;
}

}  // namespace

Result<Config> parse_config(std::string_view toml_text, std::string_view source_name) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Error{"config_invalid", fmt::format("{}:{}:{}: {}", source_name, where.line,
                                               where.column, e.description())};
  }
  Config config;
  auto setters = setters_for(config);
  for (const auto& [section_key, section] : table) {
    const std::string section_name{section_key.str()};
    const auto* section_table = section.as_table();
    if (!section_table)
      return Error{"config_invalid",
                   fmt::format("{}: '{}' must be a [section]", source_name, section_name)};
    for (const auto& [key, value] : *section_table) {
      const std::string full = section_name + "." + std::string(key.str());
      const auto setter = setters.find(full);
      if (setter == setters.end())
        return Error{"config_invalid", fmt::format("{}: unknown key '{}'", source_name, full)};
      if (const auto problem = setter->second(value); !problem.empty())
        return Error{"config_invalid", fmt::format("{}: '{}' {}", source_name, full, problem)};
    }
  }
  const auto& sip = config.sip;
  if (sip.register_min_expires > sip.register_max_expires ||
      sip.register_default_expires < sip.register_min_expires ||
      sip.register_default_expires > sip.register_max_expires)
    return Error{"config_invalid",
                 fmt::format("{}: 'sip.register_default_expires' must lie between "
                             "'sip.register_min_expires' and 'sip.register_max_expires'",
                             source_name)};
  return config;
}

Result<Config> load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"config_missing", fmt::format("cannot read config file '{}'", path)};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

}  // namespace hotline
