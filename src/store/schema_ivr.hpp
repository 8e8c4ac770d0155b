#pragma once
// The IVR's tables (flows and published versions, calendars, prompts, data sources, the
// self-service table, voice messages, survey ratings, the IVR part of call records),
// appended to all_migrations() as version 4.
#include "store/migrations.hpp"

namespace hotline::store {

Migration ivr_migration();

}  // namespace hotline::store
