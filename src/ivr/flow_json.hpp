#pragma once
// Reading and writing a flow as JSON, the form the database stores and the web designer edits.
// Reading checks shape only (types of fields, known node types, no unknown fields) and reports
// every problem with its node and field; whether the flow makes sense is flow_validator's job,
// so unfinished drafts can still be read and shown.
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "ivr/flow_issue.hpp"
#include "ivr/flow_model.hpp"

namespace hotline::ivr {

struct ParsedFlow {
  std::optional<Flow> flow;       // set when there are no errors
  std::vector<FlowIssue> errors;  // every shape problem found

  bool ok() const { return flow.has_value(); }
  Status status() const { return ok() ? ok_status() : Status(to_error(errors)); }
};

ParsedFlow parse_flow(const nlohmann::json& json);
nlohmann::json to_json(const Flow& flow);

nlohmann::json to_json(const PromptList& prompts);

}  // namespace hotline::ivr
