#pragma once
// Does a source address belong to an allowed address or CIDR block ("10.1.2.3",
// "10.1.2.0/24", "2001:db8::/32")? Used to recognise IP-peer trunks by where packets come from.
#include <string_view>

namespace hotline::call {

bool address_matches(std::string_view host, std::string_view allowed);

}  // namespace hotline::call
