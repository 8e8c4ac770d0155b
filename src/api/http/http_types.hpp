#pragma once
// What a route handler sees and returns. Handlers are plain functions of Request -> Response;
// the server does parsing, authentication, permission checks, limits and metrics around them.
#include <boost/beast/http.hpp>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hotline::api {

namespace http = boost::beast::http;

// The authenticated user behind a request (from the session token).
struct Principal {
  std::int64_t user_id = 0;
  std::string username;
  std::set<std::string> permissions;
  std::string session_id;  // digest of the session token, never the token itself

  bool has(const std::string& permission) const { return permissions.count(permission) > 0; }
};

// Thrown inside the api module only (caught by the server and turned into a JSON error).
struct ApiError {
  unsigned status;
  std::string code;
  std::string message;
};

struct Request {
  http::request<http::string_body> raw;
  std::string path;                                // percent-decoded, without the query
  std::map<std::string, std::string> query;        // percent-decoded query parameters
  std::map<std::string, std::string> path_params;  // from {name} segments of the route
  std::string remote_address;                      // peer IP as text
  std::optional<Principal> principal;              // set for non-public routes

  std::string header(http::field field) const;
  std::string header(std::string_view name) const;
  std::optional<std::string> cookie(std::string_view name) const;
  // Body parsed as a JSON object; throws ApiError 400 invalid_json otherwise.
  nlohmann::json json_body() const;
  // Path parameter as a positive integer id; throws ApiError 404 not_found otherwise.
  std::int64_t id_param(const std::string& name) const;
  // Optional query parameter; `query_int` throws ApiError 400 when present but not an integer.
  std::optional<std::string> query_param(const std::string& name) const;
  std::optional<std::int64_t> query_int(const std::string& name) const;
  // The principal (routes that are not public always have one).
  const Principal& user() const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, ...)

  static Response json(const nlohmann::json& value, unsigned status = 200);
  static Response no_content();
  static Response error(unsigned status, std::string_view code, std::string_view message);
};

// Who may call a route. Denial is the default: every route states one of these.
struct Access {
  enum class Kind { Public, Authenticated, Permission };
  Kind kind = Kind::Permission;
  std::string permission;  // for Kind::Permission

  static Access public_route() { return {Kind::Public, {}}; }
  static Access authenticated() { return {Kind::Authenticated, {}}; }
  static Access permission_required(std::string code) {
    return {Kind::Permission, std::move(code)};
  }
  // "public", "authenticated" or the permission code (the OpenAPI x-permission value).
  std::string label() const;
};

struct QueryParameter {
  std::string name;
  std::string type = "string";  // OpenAPI schema type: string, integer, boolean
  std::string description;
};

// Static description of a route; also the source of the OpenAPI document.
struct RouteSpec {
  http::verb method = http::verb::get;
  std::string path;  // e.g. "/api/v1/users/{id}"
  Access access;
  std::string tag;                 // OpenAPI tag, e.g. "users"
  std::string summary;             // one line
  nlohmann::json request_schema;   // JSON schema of the body, null when none
  nlohmann::json response_schema;  // JSON schema of the success body, null when none
  unsigned success_status = 200;
  std::vector<QueryParameter> query;
};

}  // namespace hotline::api
