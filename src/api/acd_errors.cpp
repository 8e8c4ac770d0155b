#include "api/acd_errors.hpp"

#include "api/validation.hpp"

namespace hotline::api {

void throw_acd_error(const Error& error) {
  if (error.code == "invalid_state") throw ApiError{409, "invalid_state", error.message};
  if (error.code == "invalid" || error.code == "invalid_argument")
    throw ApiError{400, "validation_failed", error.message};
  if (error.code == "forbidden") throw ApiError{403, "forbidden", error.message};
  if (error.code == "unavailable") throw ApiError{503, "unavailable", error.message};
  throw_store_error(error);
}

}  // namespace hotline::api
