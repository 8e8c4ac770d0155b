#include <gtest/gtest.h>

#include "ivr/demo_flow.hpp"
#include "ivr/flow_json.hpp"
#include "ivr/flow_validator.hpp"

namespace hotline::ivr {
namespace {

using nlohmann::json;

// A small valid flow: play -> menu (1 -> queue, 2 -> collect -> query -> say -> hangup).
json good_flow() {
  return json::parse(R"({
    "name": "f", "version": 1, "start": "hello",
    "nodes": {
      "hello": {"type": "play", "prompts": [{"text": "您好"}], "exits": {"next": "menu"}},
      "menu": {"type": "menu", "prompts": [{"text": "请选择"}],
               "exits": {"1": "agents", "2": "ask", "timeout": "agents", "invalid": "agents"}},
      "agents": {"type": "queue", "queue": "general"},
      "ask": {"type": "collect", "prompts": [{"text": "请输入"}], "variable": "n",
              "exits": {"ok": "lookup", "failed": "agents"}},
      "lookup": {"type": "data_query", "source": "s", "params": {"n": "{n}"},
                 "exits": {"found": "say", "not_found": "bye", "error": "bye"}},
      "say": {"type": "say_result", "text": "{status}", "exits": {"next": "bye"}},
      "bye": {"type": "hangup"}
    }
  })");
}

ValidationReport check(const json& flow) {
  return validate_flow_json(flow);
}

// Whether the report has an error (or warning) with this node, code and field.
bool has(const ValidationReport& report, const std::string& node, const std::string& code,
         const std::string& field = "*",
         FlowIssue::Severity severity = FlowIssue::Severity::error) {
  for (const auto& issue : report.issues) {
    if (issue.node_id == node && issue.code == code && issue.severity == severity &&
        (field == "*" || issue.field == field)) {
      return true;
    }
  }
  return false;
}

std::string dump(const ValidationReport& report) {
  return report.to_json().dump(1);
}

TEST(FlowValidator, AcceptsAGoodFlow) {
  auto report = check(good_flow());
  EXPECT_TRUE(report.ok()) << dump(report);
  EXPECT_TRUE(report.issues.empty()) << dump(report);
  EXPECT_TRUE(report.status().ok());
}

TEST(FlowValidator, BureauDemoFlowsPass) {
  auto main = check(bureau_demo_flow());
  EXPECT_TRUE(main.ok()) << dump(main);
  EXPECT_TRUE(main.warnings().empty()) << dump(main);
  auto survey = check(bureau_survey_flow());
  EXPECT_TRUE(survey.ok()) << dump(survey);
  EXPECT_TRUE(survey.warnings().empty()) << dump(survey);
}

TEST(FlowValidator, UnknownStartAndFallback) {
  auto flow = good_flow();
  flow["start"] = "nowhere";
  flow["fallback"] = "gone";
  auto report = check(flow);
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(has(report, "", "unknown_start", "start")) << dump(report);
  EXPECT_TRUE(has(report, "", "unknown_fallback", "fallback")) << dump(report);
  flow["start"] = "";
  EXPECT_TRUE(has(check(flow), "", "unknown_start", "start"));
}

TEST(FlowValidator, ExitToUnknownNodeIsNamed) {
  auto flow = good_flow();
  flow["nodes"]["say"]["exits"]["next"] = "byebye";
  auto report = check(flow);
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(has(report, "say", "unknown_exit_target", "exits.next")) << dump(report);
  // The error text names the node for logs and the default UI.
  EXPECT_NE(report.status().error().message.find("\"say\""), std::string::npos);
}

TEST(FlowValidator, MissingExitsLeaveTheCallerInSilence) {
  auto flow = good_flow();
  flow["nodes"]["menu"]["exits"].erase("timeout");
  flow["nodes"]["ask"]["exits"].erase("failed");
  flow["nodes"]["lookup"]["exits"].erase("error");
  flow["nodes"]["hello"]["exits"] = json::object();
  auto report = check(flow);
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(has(report, "menu", "missing_exit", "exits.timeout")) << dump(report);
  EXPECT_TRUE(has(report, "ask", "missing_exit", "exits.failed")) << dump(report);
  EXPECT_TRUE(has(report, "lookup", "missing_exit", "exits.error")) << dump(report);
  EXPECT_TRUE(has(report, "hello", "missing_exit", "exits.next")) << dump(report);
}

TEST(FlowValidator, MenuNeedsInvalidRouteAndAtLeastOneKey) {
  auto flow = good_flow();
  flow["nodes"]["menu"]["exits"] = {{"timeout", "agents"}};
  auto report = check(flow);
  EXPECT_TRUE(has(report, "menu", "missing_exit", "exits.invalid")) << dump(report);
  EXPECT_TRUE(has(report, "menu", "menu_without_options", "exits")) << dump(report);
}

TEST(FlowValidator, ExitsATypeDoesNotHave) {
  auto flow = good_flow();
  flow["nodes"]["agents"]["exits"] = {{"next", "bye"}};
  flow["nodes"]["menu"]["exits"]["12"] = "bye";
  flow["nodes"]["ask"]["exits"]["timeout"] = "bye";
  auto report = check(flow);
  EXPECT_TRUE(has(report, "agents", "unexpected_exit", "exits.next")) << dump(report);
  EXPECT_TRUE(has(report, "menu", "unexpected_exit", "exits.12")) << dump(report);
  EXPECT_TRUE(has(report, "ask", "unexpected_exit", "exits.timeout")) << dump(report);
}

TEST(FlowValidator, MissingAndInvalidParameters) {
  auto flow = good_flow();
  flow["nodes"]["hello"]["prompts"] = json::array();
  flow["nodes"]["agents"]["queue"] = "";
  flow["nodes"]["ask"]["variable"] = "";
  flow["nodes"]["ask"]["min_length"] = 5;
  flow["nodes"]["ask"]["max_length"] = 4;
  flow["nodes"]["ask"]["validate"] = "luhn";
  flow["nodes"]["ask"]["terminator"] = "5";
  flow["nodes"]["menu"]["timeout_ms"] = 0;
  flow["nodes"]["lookup"]["source"] = "";
  flow["nodes"]["say"]["text"] = "";
  auto report = check(flow);
  EXPECT_TRUE(has(report, "hello", "missing_parameter", "prompts")) << dump(report);
  EXPECT_TRUE(has(report, "agents", "missing_parameter", "queue")) << dump(report);
  EXPECT_TRUE(has(report, "ask", "missing_parameter", "variable")) << dump(report);
  EXPECT_TRUE(has(report, "ask", "invalid_parameter", "max_length")) << dump(report);
  EXPECT_TRUE(has(report, "ask", "invalid_parameter", "validate")) << dump(report);
  EXPECT_TRUE(has(report, "ask", "invalid_parameter", "terminator")) << dump(report);
  EXPECT_TRUE(has(report, "menu", "invalid_parameter", "timeout_ms")) << dump(report);
  EXPECT_TRUE(has(report, "lookup", "missing_parameter", "source")) << dump(report);
  EXPECT_TRUE(has(report, "say", "missing_parameter", "text")) << dump(report);
}

TEST(FlowValidator, IdNumbersMustBeCollectedAsSensitive) {
  auto flow = good_flow();
  flow["nodes"]["ask"]["validate"] = "id_number";
  auto report = check(flow);
  EXPECT_TRUE(has(report, "ask", "id_number_not_sensitive", "sensitive")) << dump(report);
  flow["nodes"]["ask"]["sensitive"] = true;
  EXPECT_TRUE(check(flow).ok());
}

TEST(FlowValidator, OtherTerminalNodesNeedTheirTargets) {
  auto flow = good_flow();
  flow["nodes"]["t"] = {{"type", "transfer"}};
  flow["nodes"]["g"] = {{"type", "goto_flow"}, {"flow", "f"}};
  flow["nodes"]["c"] = {{"type", "time_condition"}, {"exits", {{"open", "t"}, {"closed", "g"}}}};
  flow["nodes"]["menu"]["exits"]["9"] = "c";
  auto report = check(flow);
  EXPECT_TRUE(has(report, "t", "missing_parameter", "target")) << dump(report);
  EXPECT_TRUE(has(report, "c", "missing_parameter", "calendar")) << dump(report);
  EXPECT_TRUE(has(report, "g", "goto_same_flow", "flow", FlowIssue::Severity::warning));
}

TEST(FlowValidator, UnreachableNodeIsAWarningOnly) {
  auto flow = good_flow();
  flow["nodes"]["orphan"] = {{"type", "hangup"}};
  auto report = check(flow);
  EXPECT_TRUE(report.ok()) << dump(report);
  EXPECT_TRUE(has(report, "orphan", "unreachable_node", "", FlowIssue::Severity::warning));
}

TEST(FlowValidator, CycleNeedsAFallback) {
  auto flow = good_flow();
  // Invalid key: replay the greeting and the menu (a cycle through the menu).
  flow["nodes"]["menu"]["exits"]["invalid"] = "hello";
  auto report = check(flow);
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(has(report, "hello", "cycle_without_fallback")) << dump(report);
  EXPECT_FALSE(has(report, "hello", "loop_without_input")) << dump(report);
  flow["fallback"] = "agents";
  report = check(flow);
  EXPECT_TRUE(report.ok()) << dump(report);
}

TEST(FlowValidator, LoopWithoutCallerInputIsRejectedEvenWithFallback) {
  auto flow = good_flow();
  flow["fallback"] = "agents";
  // Query error: say sorry and query again, forever, without asking the caller anything.
  flow["nodes"]["sorry"] = {
      {"type", "play"}, {"prompts", {{{"text", "抱歉"}}}}, {"exits", {{"next", "lookup"}}}};
  flow["nodes"]["lookup"]["exits"]["error"] = "sorry";
  auto report = check(flow);
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(has(report, "lookup", "loop_without_input")) << dump(report);
  // A self-loop counts too.
  auto self = good_flow();
  self["fallback"] = "agents";
  self["nodes"]["say"]["exits"]["next"] = "say";
  EXPECT_TRUE(has(check(self), "say", "loop_without_input"));
}

TEST(FlowValidator, FallbackMustNotLeadIntoALoop) {
  auto flow = good_flow();
  flow["nodes"]["menu"]["exits"]["invalid"] = "hello";
  flow["fallback"] = "hello";
  auto report = check(flow);
  EXPECT_TRUE(has(report, "hello", "fallback_may_loop")) << dump(report);
}

TEST(FlowValidator, FlowLevelProblems) {
  auto report = check(json::parse(R"({"name": "", "max_visits": 0, "nodes": {}})"));
  EXPECT_TRUE(has(report, "", "missing_parameter", "name"));
  EXPECT_TRUE(has(report, "", "invalid_parameter", "max_visits"));
  EXPECT_TRUE(has(report, "", "no_nodes", "nodes"));
  // Shape errors come back through the same report.
  auto shape = check(json::parse(R"({"name": "x", "nodes": {"a": {"type": "fly"}}})"));
  EXPECT_TRUE(has(shape, "a", "unknown_node_type", "type"));
}

TEST(FlowValidator, ReadValidFlowForTheRuntime) {
  auto good = read_valid_flow(bureau_demo_flow());
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(good->name, "main");
  auto flow = good_flow();
  flow["nodes"]["say"]["exits"]["next"] = "byebye";
  auto bad = read_valid_flow(flow);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "unknown_exit_target");
  auto unreadable = read_valid_flow(json::parse(R"({"name": 5})"));
  ASSERT_FALSE(unreadable.ok());
  EXPECT_EQ(unreadable.error().code, "wrong_type");
}

TEST(FlowValidator, ReportAsJsonForTheDesigner) {
  auto flow = good_flow();
  flow["nodes"]["say"]["exits"]["next"] = "byebye";
  auto out = check(flow).to_json();
  EXPECT_EQ(out["ok"], false);
  ASSERT_EQ(out["issues"].size(), 1u) << out.dump();
  EXPECT_EQ(out["issues"][0]["node"], "say");
  EXPECT_EQ(out["issues"][0]["field"], "exits.next");
  EXPECT_EQ(out["issues"][0]["code"], "unknown_exit_target");
  EXPECT_EQ(out["issues"][0]["severity"], "error");
}

}  // namespace
}  // namespace hotline::ivr
