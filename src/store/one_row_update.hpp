#pragma once
// The end of every repository statement that must change exactly one row (an update or a
// delete by id): run it and say "not_found" when no row matched.
#include <soci/soci.h>

#include "common/result.hpp"

namespace hotline::store {

inline Status execute_on_one_row(soci::statement& statement, const char* not_found_message) {
  statement.execute(true);
  if (statement.get_affected_rows() == 0) return Error{"not_found", not_found_message};
  return ok_status();
}

}  // namespace hotline::store
