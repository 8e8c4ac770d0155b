#pragma once
// OpenAPI 3.0.3 description of every route, generated from the route table so that the
// document cannot drift from the code.
#include <nlohmann/json.hpp>
#include <string>

#include "api/http/router.hpp"

namespace hotline::api {

nlohmann::json build_openapi(const Router& router, const std::string& version);

}  // namespace hotline::api
