#pragma once
// The ACD's errors as HTTP answers, for the routes that drive it.
#include "common/result.hpp"

namespace hotline::api {

// invalid_state 409, invalid 400, forbidden 403, unavailable 503, else as store errors.
[[noreturn]] void throw_acd_error(const Error& error);

template <typename T>
T acd_value(Result<T> result) {
  if (!result) throw_acd_error(result.error());
  return std::move(result.value());
}

inline void check_acd(const Status& status) {
  if (!status) throw_acd_error(status.error());
}

}  // namespace hotline::api
