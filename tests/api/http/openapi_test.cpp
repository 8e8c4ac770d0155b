#include "api/http/openapi.hpp"

#include <gtest/gtest.h>

namespace hotline::api {
namespace {

using nlohmann::json;

Router sample_router() {
  Router router;
  const auto ok = [](Request&) { return Response::json(json::object()); };
  router.add({http::verb::get,
              "/healthz",
              Access::public_route(),
              "system",
              "Health",
              nullptr,
              {{"type", "object"}}},
             ok);
  router.add({http::verb::get,
              "/api/v1/users",
              Access::permission_required("users.read"),
              "users",
              "List users",
              nullptr,
              {{"type", "array"}},
              200,
              {{"q", "string", "Search text"}, {"page", "integer", ""}}},
             ok);
  router.add({http::verb::post,
              "/api/v1/users",
              Access::permission_required("users.manage"),
              "users",
              "Create a user",
              {{"type", "object"}},
              {{"type", "object"}},
              201},
             ok);
  router.add({http::verb::delete_, "/api/v1/users/{id}/roles/{role_code}",
              Access::permission_required("users.manage"), "users", "Remove a role", nullptr,
              nullptr, 204},
             ok);
  router.add({http::verb::get,
              "/api/v1/auth/me",
              Access::authenticated(),
              "auth",
              "Who am I",
              nullptr,
              {{"type", "object"}}},
             ok);
  return router;
}

TEST(OpenApi, DocumentShape) {
  const auto doc = build_openapi(sample_router(), "1.2.3");
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_EQ(doc["info"]["title"], "Hotline API");
  EXPECT_EQ(doc["info"]["version"], "1.2.3");
  EXPECT_EQ(doc["servers"], json::array({{{"url", "/"}}}));
  const auto& schemes = doc["components"]["securitySchemes"];
  EXPECT_EQ(schemes["bearer"]["type"], "http");
  EXPECT_EQ(schemes["bearer"]["scheme"], "bearer");
  EXPECT_EQ(schemes["cookie"]["type"], "apiKey");
  EXPECT_EQ(schemes["cookie"]["in"], "cookie");
  EXPECT_EQ(schemes["cookie"]["name"], "hotline_session");
  EXPECT_TRUE(doc["components"]["schemas"].contains("Error"));
}

TEST(OpenApi, EveryOperationNamesItsPermission) {
  const auto doc = build_openapi(sample_router(), "1");
  int operations = 0;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, operation] : methods.items()) {
      ++operations;
      EXPECT_TRUE(operation.contains("x-permission")) << method << " " << path;
      EXPECT_TRUE(operation.contains("operationId")) << method << " " << path;
      EXPECT_TRUE(operation["responses"].is_object()) << method << " " << path;
    }
  }
  EXPECT_EQ(operations, 5);
  EXPECT_EQ(doc["paths"]["/api/v1/users"]["get"]["x-permission"], "users.read");
  EXPECT_EQ(doc["paths"]["/api/v1/auth/me"]["get"]["x-permission"], "authenticated");
  EXPECT_EQ(doc["paths"]["/healthz"]["get"]["x-permission"], "public");
}

TEST(OpenApi, PublicRoutesNeedNoSecurity) {
  const auto doc = build_openapi(sample_router(), "1");
  const auto& health = doc["paths"]["/healthz"]["get"];
  EXPECT_EQ(health["security"], json::array());
  EXPECT_FALSE(health["responses"].contains("401"));
  const auto& me = doc["paths"]["/api/v1/auth/me"]["get"];
  EXPECT_FALSE(me.contains("security"));  // inherits the document-level bearer/cookie
  EXPECT_TRUE(me["responses"].contains("401"));
  EXPECT_FALSE(me["responses"].contains("403"));
  EXPECT_FALSE(doc["security"].empty());
}

TEST(OpenApi, ParametersBodiesAndResponses) {
  const auto doc = build_openapi(sample_router(), "1");
  const auto& remove = doc["paths"]["/api/v1/users/{id}/roles/{role_code}"]["delete"];
  EXPECT_EQ(remove["operationId"], "delete_api_v1_users_id_roles_role_code");
  ASSERT_EQ(remove["parameters"].size(), 2u);
  EXPECT_EQ(remove["parameters"][0]["name"], "id");
  EXPECT_EQ(remove["parameters"][0]["in"], "path");
  EXPECT_EQ(remove["parameters"][0]["required"], true);
  EXPECT_EQ(remove["parameters"][0]["schema"]["type"], "integer");
  EXPECT_EQ(remove["parameters"][1]["schema"]["type"], "string");
  EXPECT_TRUE(remove["responses"].contains("204"));
  EXPECT_FALSE(remove["responses"]["204"].contains("content"));
  for (const auto* status : {"401", "403", "404"})
    EXPECT_TRUE(remove["responses"].contains(status)) << status;
  EXPECT_FALSE(remove["responses"].contains("400"));

  const auto& list = doc["paths"]["/api/v1/users"]["get"];
  EXPECT_EQ(list["tags"], json::array({"users"}));
  EXPECT_EQ(list["summary"], "List users");
  ASSERT_EQ(list["parameters"].size(), 2u);
  EXPECT_EQ(list["parameters"][0]["in"], "query");
  EXPECT_EQ(list["parameters"][1]["schema"]["type"], "integer");
  EXPECT_TRUE(list["responses"].contains("400"));
  EXPECT_EQ(list["responses"]["200"]["content"]["application/json"]["schema"]["type"], "array");
  EXPECT_EQ(list["responses"]["403"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Error");

  const auto& create = doc["paths"]["/api/v1/users"]["post"];
  EXPECT_EQ(create["requestBody"]["content"]["application/json"]["schema"]["type"], "object");
  EXPECT_TRUE(create["responses"].contains("201"));
  EXPECT_TRUE(create["responses"].contains("400"));
  EXPECT_FALSE(create["responses"].contains("404"));
}

}  // namespace
}  // namespace hotline::api
