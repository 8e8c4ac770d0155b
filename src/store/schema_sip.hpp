#pragma once
// The SIP module's tables, appended to all_migrations() as version 2.
#include "store/migrations.hpp"

namespace hotline::store {

Migration sip_migration();

}  // namespace hotline::store
