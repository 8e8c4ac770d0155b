#pragma once
// The self-service query's pluggable data sources (a built-in table, an HTTP JSON service).
// A query answers with fields for a speech template, "not found", or an error the flow turns
// into a spoken fallback. Parameters may hold personal data (ID numbers): a source never logs
// them or copies them into error texts.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace hotline::ivr {

struct QueryResult {
  enum class Outcome { found, not_found, error };
  Outcome outcome = Outcome::error;
  nlohmann::json fields = nlohmann::json::object();  // output field name -> value (found only)
  // Set when outcome == error: timeout | unavailable | busy | bad_response | circuit_open |
  // bad_request (the query lacks a parameter the source needs: a flow configuration error).
  std::string error_code;
  std::string error_detail;  // for logs and admins; never contains parameter values
  int elapsed_ms = 0;
};

std::string_view to_string(QueryResult::Outcome outcome);

class DataSource {
 public:
  virtual ~DataSource() = default;
  // Never blocks. `done` runs exactly once, possibly on another thread (the control thread
  // posts the result to itself), and never inside query() itself.
  virtual void query(const std::map<std::string, std::string>& params,
                     std::function<void(QueryResult)> done) = 0;
};

inline std::string_view to_string(QueryResult::Outcome outcome) {
  switch (outcome) {
    case QueryResult::Outcome::found:
      return "found";
    case QueryResult::Outcome::not_found:
      return "not_found";
    case QueryResult::Outcome::error:
      return "error";
  }
  return "error";
}

}  // namespace hotline::ivr
