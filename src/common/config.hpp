#pragma once
// The daemon's configuration: TOML file (etc/hotline.toml) plus command-line overrides.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace hotline {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};

// "HOST:PORT", "[v6]:PORT"; the error names `key` so that messages point at the setting.
Result<Endpoint> parse_endpoint(std::string_view text, std::string_view key);

struct HttpConfig {
  Endpoint listen{"0.0.0.0", 8080};
  std::size_t body_limit_bytes = 1024 * 1024;
  int threads = 4;
  int request_timeout_seconds = 30;
  std::string web_root = "web/dist";
  bool metrics_public = true;  // /metrics carries no personal data; scrapers have no session
};

struct DatabaseConfig {
  std::string url;  // empty: SQLite file hotline.db in the data dir
  int pool_size = 4;
};

struct AuthConfig {
  int session_idle_minutes = 30;
  int session_max_hours = 12;
  int password_min_length = 8;
  int account_max_failures = 5;
  int account_lock_minutes = 15;
  int address_max_failures = 20;
  int address_window_minutes = 15;
  int address_block_minutes = 15;
  bool cookie_secure = false;  // set when served behind HTTPS
};

// SIP signalling (registrar and its security). Times in seconds unless named otherwise.
struct SipConfig {
  Endpoint listen{"0.0.0.0", 5060};  // UDP and TCP
  // SIP over TLS on a second port, only when a certificate directory is configured: it holds
  // agent.pem (certificate chain and private key) and optionally cafile.pem.
  Endpoint tls_listen{"0.0.0.0", 5061};
  std::string tls_certificate_dir;
  std::string realm = "hotline";     // digest realm; changing it invalidates SIP passwords
  int nonce_lifetime_seconds = 300;  // older nonces are answered with stale=true
  int register_min_expires = 60;     // shorter requests get 423 Interval Too Brief
  int register_max_expires = 3600;
  int register_default_expires = 600;
  int keepalive_interval_seconds = 30;  // OPTIONS to registered contacts; 0: off
  int auth_max_failures = 10;           // failed authentications from one address ...
  int auth_window_seconds = 300;        // ... within this window
  int block_seconds = 900;              // ... block the address this long
  int max_messages_per_second = 50;     // per source address; excess is dropped
  // Phones (User-Agent substrings, any case) challenged with MD5 only: they fail on a
  // SHA-256 challenge even when MD5 is offered too (Debian 12's baresip 1.0 / libre 1.1).
  std::vector<std::string> md5_only_user_agents = {"baresip"};
  std::vector<std::string> scanner_user_agents = {
      "friendly-scanner", "sipvicious", "sipcli", "vaxsipuseragent", "sip-scan",
      "sipsak",           "sundayddr",  "iwar",   "pplsip",          "smap"};
};

// Calls and their media.
struct CallConfig {
  std::string rtp_ports = "20000-29999";  // RTP/RTCP port pairs (--rtp-ports)
  // Address written into our SDP. Empty: the SIP listen address, or the first non-loopback
  // IPv4 address of the host when SIP listens on a wildcard address.
  std::string media_address;
  int media_workers = 0;                 // 0: one per core
  int ring_timeout_seconds = 60;         // unanswered callee legs are cancelled after this
  int session_expires_seconds = 1800;    // RFC 4028 interval we ask for
  int min_session_expires_seconds = 90;  // shorter requests get 422
  int max_call_seconds = 4 * 3600;       // hard limit on a call's length
  std::string recording_format = "mp3";  // mp3 | wav
  int trunk_retry_after_seconds = 30;    // Retry-After on 503 when a trunk is full or we shed load
  // Load shedding: new calls get 503 + Retry-After instead of pushing the daemon into collapse.
  int max_calls = 0;             // calls in progress; 0: what the RTP port range can carry
  int overload_queue_ms = 1000;  // an INVITE that waited longer for the control thread
  // An answered call whose leg sent no RTP for this long (and is not on hold) is hung up: a
  // phone or carrier that vanished without a BYE must not hold a channel for hours. 0: never.
  int media_timeout_seconds = 120;
};

// IVR (flows, survey, self-service).
struct IvrConfig {
  std::string survey_flow = "survey";  // played when the agent hangs up first; "" disables it
  int max_flow_jumps = 8;              // "go to flow" nodes one call may pass
  int tts_rate = 150;                  // espeak-ng words per minute for generated prompts
};

struct LogConfig {
  std::string level = "info";
  std::string file;  // empty: standard error only
};

struct Config {
  std::string data_dir = "./var";
  bool demo = false;
  HttpConfig http;
  DatabaseConfig database;
  AuthConfig auth;
  SipConfig sip;
  CallConfig calls;
  IvrConfig ivr;
  LogConfig log;

  // The database URL in force: the configured one or the SQLite file in the data dir.
  std::string effective_database_url() const;
};

// Parses TOML text; unknown keys and wrong types are errors naming the key.
Result<Config> parse_config(std::string_view toml_text, std::string_view source_name);
Result<Config> load_config_file(const std::string& path);

}  // namespace hotline
