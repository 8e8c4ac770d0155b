#include "store/json_text.hpp"

#include <nlohmann/json.hpp>

namespace hotline::store {

std::optional<Error> check_json(const std::string& text, const std::string& what) {
  if (!nlohmann::json::accept(text)) return Error{"invalid", what + " is not valid JSON"};
  return std::nullopt;
}

std::optional<Error> check_json_object(const std::string& text, const std::string& what) {
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_object()) return Error{"invalid", what + " must be a JSON object"};
  return std::nullopt;
}

}  // namespace hotline::store
