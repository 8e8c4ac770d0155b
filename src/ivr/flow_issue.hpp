#pragma once
// A problem found in a flow, by the JSON reader or by the publish-time validator. It names the
// node and field so that the designer can point at them, and carries a stable code that the UI
// translates; the English message is for logs and people.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace hotline::ivr {

struct FlowIssue {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  std::string node_id;  // "" when the issue is about the flow itself
  std::string field;    // e.g. "timeout_ms", "exits.timeout"; "" when not about one field
  std::string code;     // e.g. "missing_exit"
  std::string message;
};

nlohmann::json to_json(const FlowIssue& issue);
nlohmann::json to_json(const std::vector<FlowIssue>& issues);

// One Error for a module boundary: the first error's code, and every error's text joined.
Error to_error(const std::vector<FlowIssue>& issues);

}  // namespace hotline::ivr
