#pragma once
// Request-target helpers: splitting off the query, percent-decoding, query parsing.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hotline::api {

struct TargetParts {
  std::string_view path;   // still percent-encoded
  std::string_view query;  // after '?', without it; empty when none
};

TargetParts split_target(std::string_view target);

// Decodes %XX escapes (and '+' as space when `plus_is_space`, for query strings).
// nullopt for a malformed escape or an encoded NUL, which no legitimate client sends.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// "a=1&b=x%20y" -> {a: "1", b: "x y"}; a key without '=' maps to ""; the first of repeated
// keys wins. nullopt when any part is malformed.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view query);

}  // namespace hotline::api
