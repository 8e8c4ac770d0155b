#include "api/validation.hpp"

#include <spdlog/spdlog.h>

#include <set>

namespace hotline::api {

namespace {

// Counts code points, so that a Chinese name's limit is in characters, not bytes.
std::size_t utf8_length(const std::string& text) {
  std::size_t count = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++count;
  return count;
}

std::string checked_text(const nlohmann::json& value, const char* field, std::size_t min_chars,
                         std::size_t max_chars) {
  if (!value.is_string()) fail_validation(std::string(field) + " must be a string");
  const auto text = value.get<std::string>();
  const auto length = utf8_length(text);
  if (length < min_chars)
    fail_validation(std::string(field) +
                    (min_chars <= 1
                         ? " must not be empty"
                         : " must have at least " + std::to_string(min_chars) + " characters"));
  if (length > max_chars)
    fail_validation(std::string(field) + " must have at most " + std::to_string(max_chars) +
                    " characters");
  for (unsigned char c : text)
    if (c < 0x20 && c != '\n' && c != '\t')
      fail_validation(std::string(field) + " must not contain control characters");
  return text;
}

}  // namespace

void fail_validation(const std::string& message) {
  throw ApiError{400, "validation_failed", message};
}

std::string required_string(const nlohmann::json& body, const char* field, std::size_t min_chars,
                            std::size_t max_chars) {
  if (!body.contains(field) || body[field].is_null())
    fail_validation(std::string(field) + " is required");
  return checked_text(body[field], field, min_chars, max_chars);
}

std::optional<std::string> optional_string(const nlohmann::json& body, const char* field,
                                           std::size_t min_chars, std::size_t max_chars) {
  if (!body.contains(field)) return std::nullopt;
  return checked_text(body[field], field, min_chars, max_chars);
}

std::optional<std::optional<std::string>> nullable_string(const nlohmann::json& body,
                                                          const char* field, std::size_t min_chars,
                                                          std::size_t max_chars) {
  if (!body.contains(field)) return std::nullopt;
  if (body[field].is_null()) return std::optional<std::string>{};
  return std::optional<std::string>{checked_text(body[field], field, min_chars, max_chars)};
}

std::optional<std::optional<std::int64_t>> nullable_id(const nlohmann::json& body,
                                                       const char* field) {
  if (!body.contains(field)) return std::nullopt;
  const auto& value = body[field];
  if (value.is_null()) return std::optional<std::int64_t>{};
  if (!value.is_number_integer() || value.get<std::int64_t>() <= 0)
    fail_validation(std::string(field) + " must be a positive integer or null");
  return std::optional<std::int64_t>{value.get<std::int64_t>()};
}

std::optional<std::int64_t> optional_int(const nlohmann::json& body, const char* field,
                                         std::int64_t min, std::int64_t max) {
  if (!body.contains(field)) return std::nullopt;
  const auto& value = body[field];
  if (!value.is_number_integer()) fail_validation(std::string(field) + " must be an integer");
  const auto number = value.get<std::int64_t>();
  if (number < min || number > max)
    fail_validation(std::string(field) + " must be between " + std::to_string(min) + " and " +
                    std::to_string(max));
  return number;
}

std::optional<std::vector<std::string>> optional_string_list(const nlohmann::json& body,
                                                             const char* field,
                                                             std::size_t max_items) {
  if (!body.contains(field)) return std::nullopt;
  const auto& value = body[field];
  if (!value.is_array()) fail_validation(std::string(field) + " must be an array of strings");
  if (value.size() > max_items)
    fail_validation(std::string(field) + " must have at most " + std::to_string(max_items) +
                    " items");
  std::vector<std::string> items;
  for (const auto& item : value) {
    if (!item.is_string() || item.get<std::string>().empty() || item.get<std::string>().size() > 64)
      fail_validation(std::string(field) + " must be an array of non-empty strings");
    items.push_back(item.get<std::string>());
  }
  return items;
}

bool matches_charset(const std::string& text, std::string_view allowed, std::size_t min_length,
                     std::size_t max_length) {
  return text.size() >= min_length && text.size() <= max_length &&
         text.find_first_not_of(allowed) == std::string::npos;
}

void reject_unknown_fields(const nlohmann::json& body, std::initializer_list<const char*> known) {
  const std::set<std::string> allowed(known.begin(), known.end());
  for (const auto& [key, value] : body.items())
    if (!allowed.count(key)) fail_validation("unknown field '" + key + "'");
}

store::Page page_from(const Request& request) {
  store::Page page;
  if (auto n = request.query_int("page")) {
    if (*n < 1 || *n > 1'000'000) fail_validation("page must be between 1 and 1000000");
    page.page = static_cast<int>(*n);
  }
  if (auto n = request.query_int("page_size")) {
    if (*n < 1 || *n > 200) fail_validation("page_size must be between 1 and 200");
    page.page_size = static_cast<int>(*n);
  }
  return page;
}

void throw_store_error(const Error& error) {
  if (error.code == "not_found") throw ApiError{404, "not_found", error.message};
  if (error.code == "conflict") throw ApiError{409, "conflict", error.message};
  if (error.code == "constraint") throw ApiError{400, "validation_failed", error.message};
  if (error.code == "weak_password") throw ApiError{400, "weak_password", error.message};
  if (error.code == "invalid_credentials")
    throw ApiError{403, "invalid_credentials", error.message};
  spdlog::error("storage error: {}", error.message);
  throw ApiError{500, "internal", "a storage error occurred; see the server log"};
}

}  // namespace hotline::api
