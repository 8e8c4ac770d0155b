#pragma once
// Demo data for an empty database (--demo): an organisation and one account per role,
// all with the documented demo password, SIP passwords for the demo extensions, a demo
// carrier trunk with its number routed to an agent. Never for production.
#include <string>

#include "common/result.hpp"
#include "common/secret_box.hpp"
#include "store/database.hpp"

namespace hotline::app {

inline constexpr const char* kDemoPassword = "Hotline@2026";

// Loads the demo accounts when the database has no users. While demo accounts exist, also adds
// the demo telephony set when no trunk, inbound route or outbound rule exists yet, and SIP
// passwords (digests for `sip_realm`) for demo extensions that have none; so a demo database
// from an older release gains them, and running it again changes nothing. True when anything
// was added.
Result<bool> load_demo_data(store::Database& db, const SecretBox& secrets,
                            const std::string& sip_realm);

}  // namespace hotline::app
