#pragma once
// The IVR's tables (flows and published versions, calendars, prompts, data sources, the
// self-service table, voice messages, survey ratings, the IVR part of call records),
// appended to all_migrations() as version 4; the flows' test versions as version 6.
#include "store/migrations.hpp"

namespace hotline::store {

Migration ivr_migration();
// Version 6: ivr_flow_tests, one test version per flow (the draft as it was test-published,
// which internal phones reach with the test code before the flow is published).
Migration ivr_test_migration();

}  // namespace hotline::store
