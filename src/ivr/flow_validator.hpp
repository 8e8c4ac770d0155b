#pragma once
// Publish-time checks of a flow: every exit leads to a node, every node has the exits and
// parameters its type needs, and no cycle can spin without the caller's input. A flow that
// passes can neither leave a caller in silence nor loop forever (the interpreter bounds visits
// and takes the flow's fallback). Unreachable nodes are warnings: they are harmless and common
// while a flow is being edited.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ivr/flow_issue.hpp"
#include "ivr/flow_model.hpp"

namespace hotline::ivr {

struct ValidationReport {
  std::vector<FlowIssue> issues;  // errors and warnings, in a stable order

  bool ok() const;  // no errors (warnings allowed)
  std::vector<FlowIssue> errors() const;
  std::vector<FlowIssue> warnings() const;
  Status status() const { return ok() ? ok_status() : Status(to_error(issues)); }
  nlohmann::json to_json() const;  // {"ok": bool, "issues": [...]}
};

ValidationReport validate_flow(const Flow& flow);
// Reads and validates in one go: the reader's shape errors, or the validator's report.
ValidationReport validate_flow_json(const nlohmann::json& json);

// For the runtime loading a published version: the flow when it reads and validates cleanly
// (warnings allowed), otherwise the first error's code and every error's text.
Result<Flow> read_valid_flow(const nlohmann::json& json);

// The exits a node of `type` must have. A menu also needs at least one digit exit.
std::vector<std::string> required_exits(NodeType type);
// Whether `node` may have an exit called `name`.
bool exit_allowed(const Node& node, const std::string& name);

}  // namespace hotline::ivr
