#pragma once
// From a parsed request to a response: route match, authentication, permission check, the
// handler, and the mapping of exceptions to JSON errors. No I/O here.
#include <cstdint>
#include <optional>
#include <string>

#include "api/http/http_types.hpp"
#include "api/http/static_files.hpp"

namespace hotline::api {

struct ServerContext;

struct Outcome {
  Response response;                 // what to send, unless `file` is set
  std::optional<StaticLookup> file;  // a static file to stream instead
  std::string route;                 // metrics label: route pattern, "static" or "unmatched"
};

// `request` must have raw, path, query and remote_address filled; path_params and principal
// are filled here.
Outcome dispatch(const ServerContext& context, Request& request);

// Authenticates with the context's Authenticator; exceptions propagate.
std::optional<Principal> authenticate(const ServerContext& context, const Request& request);

bool is_api_path(std::string_view path);

// "[json.exception.type_error.302] type must be string" -> "type must be string".
std::string readable_json_error(const char* what);

}  // namespace hotline::api
