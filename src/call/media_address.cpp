#include "call/media_address.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

namespace hotline::call {

std::string resolve_media_address(const Config& config) {
  if (!config.calls.media_address.empty()) return config.calls.media_address;
  const auto& host = config.sip.listen.host;
  if (host != "0.0.0.0" && host != "::" && !host.empty()) return host;
  std::string found = "127.0.0.1";
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return found;
  for (auto* entry = list; entry; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
    const auto* address = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr);
    if ((ntohl(address->sin_addr.s_addr) >> 24) == 127) continue;
    char text[INET_ADDRSTRLEN] = {0};
    inet_ntop(AF_INET, &address->sin_addr, text, sizeof text);
    found = text;
    break;
  }
  freeifaddrs(list);
  return found;
}

}  // namespace hotline::call
