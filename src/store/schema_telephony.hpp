#pragma once
// The telephony tables (trunks, number routing, call records, call events, recordings),
// appended to all_migrations() as version 3.
#include "store/migrations.hpp"

namespace hotline::store {

Migration telephony_migration();

}  // namespace hotline::store
