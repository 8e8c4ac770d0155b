#include "sip/sip_messages.hpp"

namespace hotline::sip {

std::string SourceAddress::host_port() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::optional<SourceAddress> parse_source(const std::string& host_port,
                                          const std::string& transport) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = host_port.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const auto digits = host_port.substr(colon + 1);
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port == 0 || port > 65535 || host.empty()) return std::nullopt;
  return SourceAddress{host, static_cast<std::uint16_t>(port), transport};
}

}  // namespace hotline::sip
