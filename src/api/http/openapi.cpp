#include "api/http/openapi.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace hotline::api {

namespace {

using nlohmann::json;

std::vector<std::string> path_parameter_names(const std::string& path) {
  std::vector<std::string> names;
  std::size_t open = path.find('{');
  while (open != std::string::npos) {
    const auto close = path.find('}', open);
    if (close == std::string::npos) break;
    names.push_back(path.substr(open + 1, close - open - 1));
    open = path.find('{', close);
  }
  return names;
}

bool is_id_name(const std::string& name) {
  return name == "id" || (name.size() > 3 && name.compare(name.size() - 3, 3, "_id") == 0);
}

// "GET /api/v1/users/{id}" -> "get_api_v1_users_id".
std::string operation_id(http::verb method, const std::string& path) {
  std::string id;
  for (const char c : std::string(http::to_string(method)) + "_" + path) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!id.empty() && id.back() != '_') {
      id += '_';
    }
  }
  while (!id.empty() && id.back() == '_') id.pop_back();
  return id;
}

std::string success_description(unsigned status) {
  switch (status) {
    case 101:
      return "Switching to the WebSocket protocol";
    case 201:
      return "Created";
    case 204:
      return "No content";
    default:
      return "Success";
  }
}

json error_response(const std::string& description) {
  return {
      {"description", description},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

json operation_for(const RouteSpec& spec, const std::string& operation_id) {
  json operation = {{"operationId", operation_id},
                    {"summary", spec.summary},
                    {"x-permission", spec.access.label()}};
  if (!spec.tag.empty()) operation["tags"] = json::array({spec.tag});

  json parameters = json::array();
  const auto path_params = path_parameter_names(spec.path);
  for (const auto& name : path_params) {
    const json schema = is_id_name(name) ? json{{"type", "integer"}, {"format", "int64"}}
                                         : json{{"type", "string"}};
    parameters.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", schema}});
  }
  for (const auto& query : spec.query) {
    json parameter = {{"name", query.name},
                      {"in", "query"},
                      {"required", false},
                      {"schema", {{"type", query.type}}}};
    if (!query.description.empty()) parameter["description"] = query.description;
    parameters.push_back(std::move(parameter));
  }
  if (!parameters.empty()) operation["parameters"] = std::move(parameters);

  const bool has_body = !spec.request_schema.is_null();
  if (has_body) {
    operation["requestBody"] = {
        {"required", true}, {"content", {{"application/json", {{"schema", spec.request_schema}}}}}};
  }

  json responses = json::object();
  json success = {{"description", success_description(spec.success_status)}};
  if (spec.success_status != 204 && !spec.response_schema.is_null())
    success["content"] = {{"application/json", {{"schema", spec.response_schema}}}};
  responses[std::to_string(spec.success_status)] = std::move(success);
  if (has_body || !spec.query.empty()) responses["400"] = error_response("Invalid request");
  if (spec.access.kind != Access::Kind::Public)
    responses["401"] = error_response("Not authenticated");
  if (spec.access.kind == Access::Kind::Permission)
    responses["403"] = error_response("Permission " + spec.access.permission + " required");
  if (!path_params.empty()) responses["404"] = error_response("Not found");
  operation["responses"] = std::move(responses);

  if (spec.access.kind == Access::Kind::Public) operation["security"] = json::array();
  return operation;
}

}  // namespace

nlohmann::json build_openapi(const Router& router, const std::string& version) {
  json paths = json::object();
  std::set<std::string> used_ids;
  for (const auto& route : router.routes()) {
    const auto& spec = route.spec;
    auto id = operation_id(spec.method, spec.path);
    // Paths differing only in punctuation would collide; operationIds must be unique.
    for (int suffix = 2; used_ids.count(id) > 0; ++suffix)
      id = operation_id(spec.method, spec.path) + "_" + std::to_string(suffix);
    used_ids.insert(id);
    auto method = std::string(http::to_string(spec.method));
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    paths[spec.path][method] = operation_for(spec, id);
  }
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Hotline API"},
        {"version", version},
        {"description",
         "REST API of the Hotline call centre. Every operation names the "
         "permission it needs in x-permission."}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"security", json::array({{{"bearer", json::array()}}, {{"cookie", json::array()}}})},
      {"paths", std::move(paths)},
      {"components",
       {{"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
          {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "hotline_session"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"required", json::array({"error"})},
            {"properties",
             {{"error",
               {{"type", "object"},
                {"required", json::array({"code", "message"})},
                {"properties",
                 {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}}}}},
  };
}

}  // namespace hotline::api
