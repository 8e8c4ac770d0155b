#pragma once
// Checks JSON text before it is stored in a TEXT column, so that what the store hands back
// always parses (the models behind these columns live in other modules).
#include <optional>
#include <string>

#include "common/result.hpp"

namespace hotline::store {

// Error "invalid" naming `what` when `text` is not JSON.
std::optional<Error> check_json(const std::string& text, const std::string& what);
// Error "invalid" naming `what` when `text` is not a JSON object.
std::optional<Error> check_json_object(const std::string& text, const std::string& what);

}  // namespace hotline::store
