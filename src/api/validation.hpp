#pragma once
// Reading fields out of JSON request bodies; a bad field is an ApiError 400 naming it.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/http/http_types.hpp"
#include "common/result.hpp"
#include "store/models.hpp"

namespace hotline::api {

[[noreturn]] void fail_validation(const std::string& message);

std::string required_string(const nlohmann::json& body, const char* field, std::size_t min_chars,
                            std::size_t max_chars);
std::optional<std::string> optional_string(const nlohmann::json& body, const char* field,
                                           std::size_t min_chars, std::size_t max_chars);
// Present and null: engaged outer optional holding nullopt.
std::optional<std::optional<std::string>> nullable_string(const nlohmann::json& body,
                                                          const char* field, std::size_t min_chars,
                                                          std::size_t max_chars);
std::optional<std::optional<std::int64_t>> nullable_id(const nlohmann::json& body,
                                                       const char* field);
std::optional<std::int64_t> optional_int(const nlohmann::json& body, const char* field,
                                         std::int64_t min, std::int64_t max);
std::optional<std::vector<std::string>> optional_string_list(const nlohmann::json& body,
                                                             const char* field,
                                                             std::size_t max_items);
// True when every character of `text` is in `allowed` and its length is within bounds.
bool matches_charset(const std::string& text, std::string_view allowed, std::size_t min_length,
                     std::size_t max_length);

// Rejects fields the route does not know, so typos are not silently ignored.
void reject_unknown_fields(const nlohmann::json& body, std::initializer_list<const char*> known);

// Pagination from ?page=&page_size= (defaults 1 and 20, page_size at most 200).
store::Page page_from(const Request& request);

// Maps a repository error to the HTTP error it deserves.
[[noreturn]] void throw_store_error(const Error& error);

template <typename T>
T value_or_throw(Result<T> result) {
  if (!result) throw_store_error(result.error());
  return std::move(result.value());
}
inline void check(const Status& status) {
  if (!status) throw_store_error(status.error());
}

}  // namespace hotline::api
