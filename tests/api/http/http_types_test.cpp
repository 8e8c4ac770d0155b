#include "api/http/http_types.hpp"

#include <gtest/gtest.h>

#include "api/http/url.hpp"

namespace hotline::api {
namespace {

Request with_header(http::field field, std::string value) {
  Request request;
  request.raw.set(field, value);
  return request;
}

template <typename Fn>
ApiError api_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const ApiError& error) {
    return error;
  }
  ADD_FAILURE() << "no ApiError thrown";
  return {};
}

TEST(Url, PercentDecoding) {
  EXPECT_EQ(percent_decode("/a%20b/%E4%BD%A0"), "/a b/\xE4\xBD\xA0");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%2e%2E"), "..");
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("%zz"));
  EXPECT_FALSE(percent_decode("a%00b"));
}

TEST(Url, SplitsTargetAndParsesQuery) {
  const auto parts = split_target("/api/v1/users?q=li+si&page=2&flag&q=ignored");
  EXPECT_EQ(parts.path, "/api/v1/users");
  const auto query = parse_query(parts.query);
  ASSERT_TRUE(query);
  EXPECT_EQ(query->at("q"), "li si");
  EXPECT_EQ(query->at("page"), "2");
  EXPECT_EQ(query->at("flag"), "");
  EXPECT_EQ(split_target("/x").query, "");
  EXPECT_FALSE(parse_query("a=%GG"));
}

TEST(Request, ParsesCookies) {
  auto request = with_header(http::field::cookie, "theme=dark; hotline_session=abc123;x=\"q\"");
  EXPECT_EQ(request.cookie("hotline_session"), "abc123");
  EXPECT_EQ(request.cookie("theme"), "dark");
  EXPECT_EQ(request.cookie("x"), "q");
  EXPECT_EQ(request.cookie("missing"), std::nullopt);
  EXPECT_EQ(request.cookie("hotline"), std::nullopt);
}

TEST(Request, ReadsHeadersByFieldAndName) {
  auto request = with_header(http::field::authorization, "Bearer t");
  request.raw.set("X-Custom", "v");
  EXPECT_EQ(request.header(http::field::authorization), "Bearer t");
  EXPECT_EQ(request.header("authorization"), "Bearer t");
  EXPECT_EQ(request.header("x-custom"), "v");
  EXPECT_EQ(request.header("absent"), "");
}

TEST(Request, JsonBodyAcceptsObjects) {
  auto request = with_header(http::field::content_type, "application/json; charset=utf-8");
  request.raw.body() = R"({"name":"张三","n":1})";
  EXPECT_EQ(request.json_body().at("n"), 1);
  request.raw.erase(http::field::content_type);
  EXPECT_EQ(request.json_body().at("name"), "张三");
}

TEST(Request, JsonBodyRejectsInvalidOrNonObjectBodies) {
  Request request;
  for (const auto* body : {"", "{", "[1,2]", "\"text\"", "42", "null"}) {
    request.raw.body() = body;
    const auto error = api_error_of([&] { (void)request.json_body(); });
    EXPECT_EQ(error.status, 400u) << body;
    EXPECT_EQ(error.code, "invalid_json") << body;
  }
}

TEST(Request, JsonBodyRefusesFormMediaTypes) {
  auto request = with_header(http::field::content_type, "text/plain");
  request.raw.body() = R"({"a":1})";
  const auto error = api_error_of([&] { (void)request.json_body(); });
  EXPECT_EQ(error.status, 415u);
  EXPECT_EQ(error.code, "unsupported_media_type");
}

TEST(Request, IdParam) {
  Request request;
  request.path_params = {{"id", "42"}, {"zero", "0"}, {"neg", "-1"}, {"text", "12a"}};
  EXPECT_EQ(request.id_param("id"), 42);
  for (const auto* name : {"zero", "neg", "text", "missing"}) {
    const auto error = api_error_of([&] { (void)request.id_param(name); });
    EXPECT_EQ(error.status, 404u) << name;
    EXPECT_EQ(error.code, "not_found") << name;
  }
}

TEST(Request, QueryParameters) {
  Request request;
  request.query = {{"page", "3"}, {"neg", "-7"}, {"bad", "3x"}, {"empty", ""}};
  EXPECT_EQ(request.query_param("page"), "3");
  EXPECT_EQ(request.query_param("none"), std::nullopt);
  EXPECT_EQ(request.query_int("page"), 3);
  EXPECT_EQ(request.query_int("neg"), -7);
  EXPECT_EQ(request.query_int("none"), std::nullopt);
  for (const auto* name : {"bad", "empty"}) {
    const auto error = api_error_of([&] { (void)request.query_int(name); });
    EXPECT_EQ(error.status, 400u);
    EXPECT_EQ(error.code, "validation_failed");
    EXPECT_EQ(error.message, std::string(name) + " must be an integer");
  }
}

TEST(Request, UserRequiresAPrincipal) {
  Request request;
  EXPECT_EQ(api_error_of([&] { (void)request.user(); }).status, 401u);
  request.principal = Principal{7, "alice", {"x.read"}, "digest"};
  EXPECT_EQ(request.user().username, "alice");
  EXPECT_TRUE(request.user().has("x.read"));
  EXPECT_FALSE(request.user().has("x.write"));
}

TEST(Response, ErrorShape) {
  const auto response = Response::error(403, "forbidden", "permission x required");
  EXPECT_EQ(response.status, 403u);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"error":{"code":"forbidden","message":"permission x required"}})");
}

TEST(Response, JsonAndNoContent) {
  const auto created = Response::json({{"id", 1}}, 201);
  EXPECT_EQ(created.status, 201u);
  EXPECT_EQ(created.body, R"({"id":1})");
  const auto empty = Response::no_content();
  EXPECT_EQ(empty.status, 204u);
  EXPECT_TRUE(empty.body.empty());
  // Invalid UTF-8 in data does not throw.
  EXPECT_NO_THROW(Response::json({{"name", std::string("\xff")}}));
}

TEST(Access, Labels) {
  EXPECT_EQ(Access::public_route().label(), "public");
  EXPECT_EQ(Access::authenticated().label(), "authenticated");
  EXPECT_EQ(Access::permission_required("users.manage").label(), "users.manage");
}

}  // namespace
}  // namespace hotline::api
