#include <gtest/gtest.h>

#include "ivr/flow_json.hpp"
#include "ivr/flow_model.hpp"
#include "ivr/flow_template.hpp"

namespace hotline::ivr {
namespace {

using nlohmann::json;

// One node of every type, with positions and designer state, as the designer would save it.
json every_type_flow() {
  return json::parse(R"({
    "name": "all", "version": 7, "start": "p", "fallback": "h", "max_visits": 4,
    "ui": {"viewport": {"x": -12.5, "y": 40, "zoom": 0.75}},
    "nodes": {
      "p":  {"type": "play", "name": "欢迎", "prompts": [{"prompt": "welcome"}, {"text": "您好"}],
             "interruptible": true, "exits": {"next": "m"}, "position": {"x": 10.25, "y": -3}},
      "m":  {"type": "menu", "prompts": [{"text": "请按1"}], "timeout_ms": 4000, "max_retries": 3,
             "invalid_prompts": [{"text": "错误"}], "timeout_prompts": [{"prompt": "again"}],
             "exits": {"1": "c", "#": "t", "timeout": "h", "invalid": "h"}, "max_visits": 2},
      "c":  {"type": "collect", "prompts": [{"text": "输入"}], "min_length": 18, "max_length": 18,
             "terminator": "", "first_digit_timeout_ms": 7000, "inter_digit_timeout_ms": 2500,
             "validate": "id_number", "variable": "id", "sensitive": true, "attempts": 3,
             "retry_prompts": [{"text": "重输"}], "star_as": "X",
             "exits": {"ok": "s", "failed": "h"}},
      "t":  {"type": "time_condition", "calendar": "default", "exits": {"open": "q", "closed": "g"}},
      "s":  {"type": "set_variable", "variable": "copy", "value": "{id}", "exits": {"next": "d"}},
      "d":  {"type": "data_query", "source": "card_progress", "params": {"id_number": "{id}"},
             "result_variable": "r", "timeout_ms": 3000,
             "exits": {"found": "r", "not_found": "h", "error": "h"}},
      "r":  {"type": "say_result", "text": "您的社保卡{status}", "result_variable": "r",
             "interruptible": true, "exits": {"next": "msg"}},
      "msg": {"type": "message", "prompts": [{"text": "请留言"}], "max_seconds": 60,
              "exits": {"next": "sv"}},
      "sv": {"type": "survey", "prompts": [{"text": "评价"}], "timeout_ms": 9000,
             "exits": {"next": "x"}},
      "q":  {"type": "queue", "queue": "general", "priority": 5},
      "x":  {"type": "transfer", "target": "8001"},
      "g":  {"type": "goto_flow", "flow": "other"},
      "h":  {"type": "hangup", "prompts": [{"text": "再见"}]}
    }
  })");
}

TEST(FlowJson, ReadsEveryNodeTypeAndItsParameters) {
  auto parsed = parse_flow(every_type_flow());
  ASSERT_TRUE(parsed.ok()) << to_json(parsed.errors).dump();
  const Flow& flow = *parsed.flow;
  EXPECT_EQ(flow.name, "all");
  EXPECT_EQ(flow.version, 7);
  EXPECT_EQ(flow.start, "p");
  EXPECT_EQ(flow.fallback, "h");
  EXPECT_EQ(flow.max_visits, 4);
  ASSERT_EQ(flow.nodes.size(), 13u);

  const Node& play = *flow.find("p");
  EXPECT_EQ(play.type(), NodeType::play);
  EXPECT_EQ(play.name, "欢迎");
  const auto& pp = std::get<PlayParams>(play.params);
  ASSERT_EQ(pp.prompts.size(), 2u);
  EXPECT_EQ(pp.prompts[0], (PromptItem{PromptItem::Kind::prompt, "welcome"}));
  EXPECT_EQ(pp.prompts[1], (PromptItem{PromptItem::Kind::text, "您好"}));
  EXPECT_TRUE(pp.interruptible);
  EXPECT_EQ(*play.exit("next"), "m");
  ASSERT_TRUE(play.position);
  EXPECT_EQ(*play.position, (Position{10.25, -3}));

  const Node& menu = *flow.find("m");
  const auto& mp = std::get<MenuParams>(menu.params);
  EXPECT_EQ(mp.timeout_ms, 4000);
  EXPECT_EQ(mp.max_retries, 3);
  EXPECT_EQ(mp.timeout_prompts[0].value, "again");
  EXPECT_EQ(menu.max_visits, 2);
  EXPECT_EQ(*menu.exit("#"), "t");

  const auto& cp = std::get<CollectParams>(flow.find("c")->params);
  EXPECT_EQ(cp.min_length, 18);
  EXPECT_EQ(cp.terminator, "");
  EXPECT_EQ(cp.inter_digit_timeout_ms, 2500);
  EXPECT_EQ(cp.validate, "id_number");
  EXPECT_TRUE(cp.sensitive);
  EXPECT_EQ(cp.attempts, 3);
  EXPECT_EQ(cp.star_as, "X");

  const auto& dp = std::get<DataQueryParams>(flow.find("d")->params);
  EXPECT_EQ(dp.source, "card_progress");
  EXPECT_EQ(dp.params.at("id_number"), "{id}");
  EXPECT_EQ(dp.timeout_ms, 3000);
  EXPECT_EQ(std::get<QueueParams>(flow.find("q")->params).priority, 5);
  EXPECT_EQ(std::get<TransferParams>(flow.find("x")->params).target, "8001");
  EXPECT_EQ(std::get<GotoFlowParams>(flow.find("g")->params).flow, "other");
  EXPECT_EQ(std::get<MessageParams>(flow.find("msg")->params).max_seconds, 60);
  EXPECT_EQ(std::get<SurveyParams>(flow.find("sv")->params).timeout_ms, 9000);
  EXPECT_EQ(flow.find("t")->type(), NodeType::time_condition);
  EXPECT_EQ(flow.find("s")->type(), NodeType::set_variable);
  EXPECT_EQ(flow.find("r")->type(), NodeType::say_result);
  EXPECT_EQ(flow.find("h")->type(), NodeType::hangup);
}

TEST(FlowJson, DefaultsFillLeftOutFields) {
  auto parsed = parse_flow(json::parse(R"({"name": "d", "start": "c",
    "nodes": {"c": {"type": "collect", "variable": "v"}}})"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.flow->max_visits, kDefaultMaxVisits);
  EXPECT_EQ(parsed.flow->fallback, "");
  const auto& cp = std::get<CollectParams>(parsed.flow->find("c")->params);
  EXPECT_EQ(cp.terminator, "#");
  EXPECT_EQ(cp.attempts, 2);
  EXPECT_FALSE(cp.sensitive);
  EXPECT_FALSE(parsed.flow->find("c")->position);
}

TEST(FlowJson, RoundTripKeepsEverythingIncludingLayout) {
  auto first = parse_flow(every_type_flow());
  ASSERT_TRUE(first.ok());
  json written = to_json(*first.flow);
  EXPECT_EQ(written["nodes"]["p"]["position"], json::parse(R"({"x": 10.25, "y": -3})"));
  EXPECT_EQ(written["ui"], every_type_flow()["ui"]);
  EXPECT_FALSE(written["nodes"]["m"].contains("position"));

  auto second = parse_flow(written);
  ASSERT_TRUE(second.ok()) << to_json(second.errors).dump();
  EXPECT_EQ(to_json(*second.flow), written);
  // Every field the designer wrote survives with its value.
  json original = every_type_flow();
  for (const auto& [id, node] : original["nodes"].items()) {
    for (const auto& [key, value] : node.items()) {
      EXPECT_EQ(written["nodes"][id][key], value) << id << "." << key;
    }
  }
}

TEST(FlowJson, ReportsEveryShapeErrorWithNodeAndField) {
  auto parsed = parse_flow(json::parse(R"({
    "name": "bad", "start": "a", "colour": "red",
    "nodes": {
      "a": {"type": "menu", "timeout_ms": "soon", "exits": {"1": 5}},
      "b": {"type": "teleport"},
      "c": {"name": "no type"},
      "d": {"type": "play", "prompts": [{"audio": "x"}], "tiemout": 3},
      "e": {"type": "play", "position": {"x": "left", "y": 1}}
    }
  })"));
  ASSERT_FALSE(parsed.ok());
  auto has = [&](const std::string& node, const std::string& field, const std::string& code) {
    for (const auto& issue : parsed.errors) {
      if (issue.node_id == node && issue.field == field && issue.code == code) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("", "colour", "unknown_field"));
  EXPECT_TRUE(has("a", "timeout_ms", "wrong_type"));
  EXPECT_TRUE(has("a", "exits.1", "wrong_type"));
  EXPECT_TRUE(has("b", "type", "unknown_node_type"));
  EXPECT_TRUE(has("c", "type", "missing_field"));
  EXPECT_TRUE(has("d", "prompts[0]", "invalid_prompt"));
  EXPECT_TRUE(has("d", "tiemout", "unknown_field"));
  EXPECT_TRUE(has("e", "position", "wrong_type"));
  EXPECT_EQ(parsed.errors.size(), 8u) << to_json(parsed.errors).dump();
  auto status = parsed.status();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("node \"a\""), std::string::npos);
}

TEST(FlowJson, RejectsWhatIsNotAFlow) {
  EXPECT_FALSE(parse_flow(json::array()).ok());
  EXPECT_EQ(parse_flow(json("text")).errors.at(0).code, "wrong_type");
  auto nodes_list = parse_flow(json::parse(R"({"name": "x", "nodes": []})"));
  ASSERT_FALSE(nodes_list.ok());
  EXPECT_EQ(nodes_list.errors.at(0).field, "nodes");
  auto big = parse_flow(json::parse(R"({"name": "x", "max_visits": 1e3, "nodes": {}})"));
  EXPECT_FALSE(big.ok());
}

TEST(FlowModel, NodeTypeNamesRoundTrip) {
  for (auto type : {NodeType::play, NodeType::menu, NodeType::collect, NodeType::time_condition,
                    NodeType::set_variable, NodeType::data_query, NodeType::say_result,
                    NodeType::queue, NodeType::transfer, NodeType::message, NodeType::survey,
                    NodeType::hangup, NodeType::goto_flow}) {
    EXPECT_EQ(node_type_from_string(to_string(type)), type);
  }
  EXPECT_FALSE(node_type_from_string("Play"));
  EXPECT_TRUE(is_dtmf_key('#'));
  EXPECT_TRUE(is_dtmf_key('D'));
  EXPECT_FALSE(is_dtmf_key('E'));
  EXPECT_FALSE(is_dtmf_key('a'));
}

TEST(FlowTemplate, SubstitutesVariablesAndFields) {
  Variables vars{{"id", "11010519491231002X"},
                 {"n", 42},
                 {"r", json::parse(R"({"status": "制卡中", "inner": {"k": "v"}})")}};
  EXPECT_EQ(render_template("id={id}&n={n}", vars), "id=11010519491231002X&n=42");
  EXPECT_EQ(render_template("{r.status}/{r.inner.k}/{r.none}/{missing}", vars), "制卡中/v//");
  EXPECT_EQ(render_template("open { brace", vars), "open { brace");
  EXPECT_EQ(template_variables("{a}-{b.c}"), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace hotline::ivr
