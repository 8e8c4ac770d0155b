#include "api/http/http_types.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace hotline::api {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Cross-site HTML forms can post text/plain bodies that happen to be JSON, with the session
// cookie attached; insisting on a JSON media type (which forms cannot send) closes that hole.
bool is_json_media_type(std::string_view content_type) {
  const auto media = lower(trim(content_type.substr(0, content_type.find(';'))));
  return media == "application/json" ||
         (media.size() > 5 && media.compare(media.size() - 5, 5, "+json") == 0);
}

}  // namespace

std::string Request::header(http::field field) const {
  return std::string(raw[field]);
}

std::string Request::header(std::string_view name) const {
  return std::string(raw[name]);
}

std::optional<std::string> Request::cookie(std::string_view name) const {
  const auto [first, last] = raw.equal_range(http::field::cookie);
  for (auto it = first; it != last; ++it) {
    std::string_view rest = it->value();
    while (!rest.empty()) {
      const auto semicolon = rest.find(';');
      const auto pair = rest.substr(0, semicolon);
      rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
      const auto equals = pair.find('=');
      if (equals == std::string_view::npos) continue;
      if (trim(pair.substr(0, equals)) != name) continue;
      auto value = trim(pair.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      return std::string(value);
    }
  }
  return std::nullopt;
}

nlohmann::json Request::json_body() const {
  const auto content_type = raw[http::field::content_type];
  if (!content_type.empty() && !is_json_media_type(content_type))
    throw ApiError{415, "unsupported_media_type", "Content-Type must be application/json"};
  auto value = nlohmann::json::parse(raw.body(), nullptr, false);
  if (value.is_discarded()) throw ApiError{400, "invalid_json", "request body is not valid JSON"};
  if (!value.is_object()) throw ApiError{400, "invalid_json", "request body must be a JSON object"};
  return value;
}

std::int64_t Request::id_param(const std::string& name) const {
  const auto it = path_params.find(name);
  std::int64_t id = 0;
  if (it != path_params.end()) {
    const auto& text = it->second;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec == std::errc{} && end == text.data() + text.size() && id > 0) return id;
  }
  throw ApiError{404, "not_found", "not found"};
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> Request::query_int(const std::string& name) const {
  const auto text = query_param(name);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc{} || end != text->data() + text->size())
    throw ApiError{400, "validation_failed", name + " must be an integer"};
  return value;
}

const Principal& Request::user() const {
  if (!principal) throw ApiError{401, "unauthorized", "authentication required"};
  return *principal;
}

Response Response::json(const nlohmann::json& value, unsigned status) {
  Response response;
  response.status = status;
  // Replace invalid UTF-8 rather than throw: a stray byte in stored data must not turn a
  // listing into a 500.
  response.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response Response::no_content() {
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

Response Response::error(unsigned status, std::string_view code, std::string_view message) {
  return json({{"error", {{"code", code}, {"message", message}}}}, status);
}

std::string Access::label() const {
  switch (kind) {
    case Kind::Public:
      return "public";
    case Kind::Authenticated:
      return "authenticated";
    case Kind::Permission:
      return permission;
  }
  return permission;
}

}  // namespace hotline::api
