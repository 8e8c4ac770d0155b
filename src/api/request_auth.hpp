#pragma once
// Finding the session token in a request and turning it into a principal.
#include <optional>
#include <string>

#include "api/auth_service.hpp"
#include "api/http/http_types.hpp"

namespace hotline::api {

// `Authorization: Bearer <t>`, else cookie `hotline_session`, else — for WebSocket upgrades
// only, since browsers cannot set headers there — the `token` query parameter.
std::optional<std::string> session_token_of(const Request& request);

std::optional<Principal> authenticate_request(AuthService& auth, const Request& request);

}  // namespace hotline::api
