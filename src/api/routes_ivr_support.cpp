#include "api/routes_ivr_support.hpp"

#include "api/validation.hpp"

namespace hotline::api {

namespace {

constexpr int kMaxPageSize = 100;
constexpr std::string_view kNameCharacters = "abcdefghijklmnopqrstuvwxyz0123456789_-";

}  // namespace

bool is_ivr_name(const std::string& text) {
  return matches_charset(text, kNameCharacters, 1, 64);
}

std::string required_ivr_name(const nlohmann::json& body, const char* field) {
  auto name = required_string(body, field, 1, 64);
  if (!is_ivr_name(name))
    fail_validation(std::string(field) + " must be 1 to 64 characters of a-z 0-9 _ -");
  return name;
}

std::optional<std::string> optional_ivr_name(const nlohmann::json& body, const char* field) {
  if (!body.contains(field)) return std::nullopt;
  return required_ivr_name(body, field);
}

std::optional<bool> optional_boolean(const nlohmann::json& body, const char* field) {
  if (!body.contains(field)) return std::nullopt;
  if (!body[field].is_boolean()) fail_validation(std::string(field) + " must be true or false");
  return body[field].get<bool>();
}

void publish_ivr_change(ApiContext& ctx, const char* what, store::Id id) {
  ctx.events.publish({"ivr.changed", {{"what", what}, {"id", id}}, "ivr.read"});
}

Response unprocessable(const std::string& code, const std::string& message, const char* detail_key,
                       const nlohmann::json& detail) {
  nlohmann::json error = {{"code", code}, {"message", message}};
  if (detail_key) error[detail_key] = detail;
  return Response::json({{"error", error}}, 422);
}

std::optional<EpochMs> time_query(const Request& request, const char* name) {
  const auto text = request.query_param(name);
  if (!text || text->empty()) return std::nullopt;
  const auto parsed = parse_iso8601(*text);
  if (!parsed) fail_validation(std::string(name) + " must be an ISO 8601 date or time");
  return parsed;
}

bool flag_query(const Request& request, const char* name) {
  const auto text = request.query_param(name);
  if (!text || text->empty() || *text == "false" || *text == "0") return false;
  if (*text == "true" || *text == "1") return true;
  fail_validation(std::string(name) + " must be true or false");
}

store::Page page_query(const Request& request) {
  const auto page = page_from(request);
  if (page.page_size > kMaxPageSize)
    fail_validation("page_size must be between 1 and " + std::to_string(kMaxPageSize));
  return page;
}

}  // namespace hotline::api
