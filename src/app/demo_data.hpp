#pragma once
// Demo data for an empty database (--demo): an organisation and one account per role,
// all with the documented demo password. Never for production.
#include "common/result.hpp"
#include "store/database.hpp"

namespace hotline::app {

inline constexpr const char* kDemoPassword = "Hotline@2026";

// Loads the demo set when the database has no users; does nothing otherwise.
Result<bool> load_demo_data(store::Database& db);

}  // namespace hotline::app
