#include "api/http/router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace hotline::api {
namespace {

Handler answer(std::string text) {
  return [text](Request&) { return Response::json({{"route", text}}); };
}

RouteSpec spec(http::verb method, std::string path) {
  RouteSpec result;
  result.method = method;
  result.path = std::move(path);
  result.access = Access::authenticated();
  return result;
}

TEST(Router, MatchesLiteralPaths) {
  Router router;
  router.add(spec(http::verb::get, "/api/v1/users"), answer("list"));
  const auto match = router.match(http::verb::get, "/api/v1/users");
  ASSERT_EQ(match.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(match.route->spec.path, "/api/v1/users");
  EXPECT_TRUE(match.params.empty());
}

TEST(Router, ExtractsPathParameters) {
  Router router;
  router.add(spec(http::verb::get, "/api/v1/users/{id}/roles/{role_id}"), answer("role"));
  const auto match = router.match(http::verb::get, "/api/v1/users/42/roles/7");
  ASSERT_EQ(match.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(match.params.at("id"), "42");
  EXPECT_EQ(match.params.at("role_id"), "7");
}

TEST(Router, SegmentsMatchExactly) {
  Router router;
  router.add(spec(http::verb::get, "/api/v1/users/{id}"), answer("one"));
  EXPECT_EQ(router.match(http::verb::get, "/api/v1/users").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(router.match(http::verb::get, "/api/v1/users/").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(router.match(http::verb::get, "/api/v1/users/1/x").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(router.match(http::verb::get, "/api/v1/usersx/1").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(router.match(http::verb::get, "/api/v1/users/1").kind, RouteMatch::Kind::Found);
}

TEST(Router, LiteralSegmentBeatsParameterWhateverTheOrder) {
  Router router;
  router.add(spec(http::verb::get, "/api/v1/users/{id}"), answer("one"));
  router.add(spec(http::verb::get, "/api/v1/users/me"), answer("me"));
  EXPECT_EQ(router.match(http::verb::get, "/api/v1/users/me").route->spec.path, "/api/v1/users/me");
  EXPECT_EQ(router.match(http::verb::get, "/api/v1/users/5").route->spec.path,
            "/api/v1/users/{id}");
}

TEST(Router, ReportsAllowedMethodsWhenOnlyTheMethodDiffers) {
  Router router;
  router.add(spec(http::verb::get, "/api/v1/users/{id}"), answer("get"));
  router.add(spec(http::verb::delete_, "/api/v1/users/{id}"), answer("delete"));
  router.add(spec(http::verb::post, "/api/v1/users"), answer("create"));
  const auto match = router.match(http::verb::put, "/api/v1/users/3");
  ASSERT_EQ(match.kind, RouteMatch::Kind::MethodNotAllowed);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed,
            (std::vector<http::verb>{http::verb::delete_, http::verb::get, http::verb::head}));
}

TEST(Router, HeadUsesGetRoutes) {
  Router router;
  router.add(spec(http::verb::get, "/healthz"), answer("health"));
  const auto match = router.match(http::verb::head, "/healthz");
  ASSERT_EQ(match.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(match.route->spec.method, http::verb::get);
}

TEST(Router, DuplicateRoutesAreAProgrammingError) {
  Router router;
  router.add(spec(http::verb::get, "/api/v1/users/{id}"), answer("one"));
  EXPECT_THROW(router.add(spec(http::verb::get, "/api/v1/users/{id}"), answer("again")),
               std::logic_error);
  // Same shape with another parameter name is the same route.
  EXPECT_THROW(router.add(spec(http::verb::get, "/api/v1/users/{user_id}"), answer("again")),
               std::logic_error);
  EXPECT_NO_THROW(router.add(spec(http::verb::put, "/api/v1/users/{id}"), answer("update")));
}

TEST(Router, RejectsMalformedPatterns) {
  Router router;
  EXPECT_THROW(router.add(spec(http::verb::get, "api/v1"), answer("x")), std::logic_error);
  EXPECT_THROW(router.add(spec(http::verb::get, "/a/{id"), answer("x")), std::logic_error);
  EXPECT_THROW(router.add(spec(http::verb::get, "/a/{}"), answer("x")), std::logic_error);
  EXPECT_THROW(router.add(spec(http::verb::get, "/a/{id}/b/{id}"), answer("x")), std::logic_error);
}

TEST(Router, UnknownPathIsNotFound) {
  Router router;
  router.add(spec(http::verb::get, "/api/v1/users"), answer("list"));
  EXPECT_EQ(router.match(http::verb::get, "/nothing").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(router.match(http::verb::get, "/").kind, RouteMatch::Kind::NotFound);
}

}  // namespace
}  // namespace hotline::api
