#pragma once
// The address our SDP offers for RTP: the configured one, else the SIP listen address, else
// (listening on a wildcard) the first non-loopback IPv4 address of the host.
#include <string>

#include "common/config.hpp"

namespace hotline::call {

std::string resolve_media_address(const Config& config);

}  // namespace hotline::call
