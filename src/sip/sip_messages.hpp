#pragma once
// Plain structs passed between the sofia-sip thread and the control thread. They copy what
// the control thread needs out of sofia's message, so no sofia object crosses threads.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"

namespace hotline::sip {

// Where a message came from (the observed source, not what its headers claim).
struct SourceAddress {
  std::string host;
  std::uint16_t port = 0;
  std::string transport;  // "udp" | "tcp"

  std::string host_port() const;
};

// "HOST:PORT" or "[v6]:PORT" (as SourceAddress::host_port() writes it) back to an address.
std::optional<SourceAddress> parse_source(const std::string& host_port,
                                          const std::string& transport);

struct ContactEntry {
  std::string uri;             // e.g. "sip:1001@192.168.1.20:5062;transport=udp"
  std::string host;            // host part of the URI
  std::uint16_t port = 0;      // 0: not given
  std::optional<int> expires;  // ;expires= parameter
  bool wildcard = false;       // "Contact: *"
};

// A request the control thread must answer (sofia keeps its server transaction meanwhile).
struct IncomingRequest {
  std::uint64_t id = 0;  // names the transaction in the Reply
  std::string method;
  std::string request_uri;
  std::string from_uri;
  std::string to_uri;
  std::string to_user;  // user part of the To URI: the extension for REGISTER
  std::string call_id;
  std::uint32_t cseq = 0;
  std::string user_agent;
  std::vector<std::string> authorizations;  // Authorization header values
  std::vector<ContactEntry> contacts;
  std::optional<int> expires;  // Expires header
  SourceAddress source;
  EpochMs received_at = 0;
};

// The answer to an IncomingRequest.
struct Reply {
  std::uint64_t id = 0;
  int status = 500;
  std::string phrase;  // empty: the standard phrase
  std::vector<std::pair<std::string, std::string>> headers;
};

// The sofia thread dropped a message without answering (scanner, rate limit, blocked source).
struct DropNotice {
  SourceAddress source;
  std::string reason;  // "scanner", "rate_limit"
  std::string detail;  // e.g. the matched User-Agent pattern
};

}  // namespace hotline::sip
