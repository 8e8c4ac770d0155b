#include "ivr/flow_issue.hpp"

namespace hotline::ivr {

nlohmann::json to_json(const FlowIssue& issue) {
  return {
      {"severity", issue.severity == FlowIssue::Severity::error ? "error" : "warning"},
      {"node", issue.node_id},
      {"field", issue.field},
      {"code", issue.code},
      {"message", issue.message},
  };
}

nlohmann::json to_json(const std::vector<FlowIssue>& issues) {
  auto out = nlohmann::json::array();
  for (const auto& issue : issues) out.push_back(to_json(issue));
  return out;
}

Error to_error(const std::vector<FlowIssue>& issues) {
  Error error{"invalid_flow", ""};
  bool first = true;
  for (const auto& issue : issues) {
    if (issue.severity != FlowIssue::Severity::error) continue;
    if (first) error.code = issue.code;
    if (!first) error.message += "; ";
    first = false;
    if (!issue.node_id.empty()) error.message += "node \"" + issue.node_id + "\": ";
    error.message += issue.message;
  }
  if (first) error.message = "no errors";
  return error;
}

}  // namespace hotline::ivr
