#include "api/http/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include "api/http/server_context.hpp"

namespace hotline::api {

namespace {

std::string allow_header(const std::vector<http::verb>& verbs) {
  std::string out;
  for (const auto verb : verbs) {
    if (!out.empty()) out += ", ";
    out += std::string(http::to_string(verb));
  }
  return out;
}

Response text(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

Outcome serve_static(const ServerContext& context, const Request& request) {
  Outcome outcome;
  outcome.route = "static";
  const auto method = request.raw.method();
  if (method != http::verb::get && method != http::verb::head) {
    outcome.response = text(405, "method not allowed\n");
    outcome.response.headers.emplace_back("Allow", "GET, HEAD");
    return outcome;
  }
  auto lookup = context.static_files.lookup(request.path);
  switch (lookup.kind) {
    case StaticLookup::Kind::File:
      outcome.file = std::move(lookup);
      break;
    case StaticLookup::Kind::NotFound:
      outcome.response = text(404, "not found\n");
      break;
    case StaticLookup::Kind::BadPath:
      outcome.response = text(400, "bad path\n");
      break;
    case StaticLookup::Kind::NotBuilt:
      outcome.response = text(503, "web UI not built: run ./hotline build\n");
      break;
  }
  return outcome;
}

Response call_route(const ServerContext& context, const Route& route, Request& request) {
  const auto& access = route.spec.access;
  if (access.kind != Access::Kind::Public) {
    request.principal = authenticate(context, request);
    if (!request.principal) return Response::error(401, "unauthorized", "authentication required");
    if (access.kind == Access::Kind::Permission && !request.principal->has(access.permission))
      return Response::error(403, "forbidden", "permission " + access.permission + " required");
  }
  return route.handler(request);
}

}  // namespace

bool is_api_path(std::string_view path) {
  return path == "/api" || path.substr(0, 5) == "/api/";
}

std::string readable_json_error(const char* what) {
  std::string_view message(what);
  if (message.substr(0, 16) == "[json.exception.") {
    const auto close = message.find("] ");
    if (close != std::string_view::npos) message.remove_prefix(close + 2);
  }
  return std::string(message);
}

std::optional<Principal> authenticate(const ServerContext& context, const Request& request) {
  if (!context.authenticator) return std::nullopt;
  return context.authenticator(request);
}

Outcome dispatch(const ServerContext& context, Request& request) {
  const auto match = context.router.match(request.raw.method(), request.path);
  if (match.kind == RouteMatch::Kind::NotFound && !is_api_path(request.path))
    return serve_static(context, request);

  Outcome outcome;
  outcome.route = "unmatched";
  if (match.kind == RouteMatch::Kind::NotFound) {
    outcome.response = Response::error(404, "not_found", "no such endpoint");
    return outcome;
  }
  if (match.kind == RouteMatch::Kind::MethodNotAllowed) {
    outcome.response = Response::error(405, "method_not_allowed", "method not allowed here");
    outcome.response.headers.emplace_back("Allow", allow_header(match.allowed));
    return outcome;
  }

  outcome.route = match.route->spec.path;
  request.path_params = match.params;
  // Log lines name the route pattern, never the path or query: those may carry personal data.
  try {
    outcome.response = call_route(context, *match.route, request);
  } catch (const ApiError& error) {
    outcome.response = Response::error(error.status, error.code, error.message);
  } catch (const nlohmann::json::exception& error) {
    outcome.response = Response::error(400, "validation_failed", readable_json_error(error.what()));
  } catch (const std::exception& error) {
    spdlog::error("http {} {}: unhandled exception: {}",
                  std::string(http::to_string(request.raw.method())), outcome.route, error.what());
    outcome.response = Response::error(500, "internal", "internal server error");
  } catch (...) {
    spdlog::error("http {} {}: unhandled non-standard exception",
                  std::string(http::to_string(request.raw.method())), outcome.route);
    outcome.response = Response::error(500, "internal", "internal server error");
  }
  return outcome;
}

}  // namespace hotline::api
