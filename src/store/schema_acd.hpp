#pragma once
// The ACD's tables (queues and their members, not-ready reasons, agent states and their event
// log, queue visits, callbacks, missed calls), appended to all_migrations() as version 5.
#include "store/migrations.hpp"

namespace hotline::store {

Migration acd_migration();

}  // namespace hotline::store
