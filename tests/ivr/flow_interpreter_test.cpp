#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ivr/demo_flow.hpp"
#include "ivr/flow_interpreter.hpp"
#include "ivr/flow_json.hpp"
#include "ivr/flow_validator.hpp"

namespace hotline::ivr {
namespace {

using nlohmann::json;

constexpr const char* kGoodId = "11010519491231002X";

// Calendars and validation answered from tables; a clock the test moves.
class TestEnvironment : public FlowEnvironment {
 public:
  std::map<std::string, bool> calendars;
  std::set<std::string> valid_ids{kGoodId};
  EpochMs clock = 1'700'000'000'000;
  std::vector<std::string> validated;  // every value asked about

  bool calendar_open(const std::string& calendar) override {
    auto it = calendars.find(calendar);
    return it != calendars.end() && it->second;
  }
  bool validate(const std::string& kind, const std::string& value) override {
    validated.push_back(value);
    return kind == "id_number" && valid_ids.count(value) > 0;
  }
  EpochMs now() override { return clock; }
};

std::shared_ptr<const Flow> load(const json& j) {
  auto parsed = parse_flow(j);
  EXPECT_TRUE(parsed.ok()) << to_json(parsed.errors).dump();
  if (!parsed.ok()) return std::make_shared<Flow>();
  return std::make_shared<const Flow>(std::move(*parsed.flow));
}

std::shared_ptr<const Flow> load(const char* text) {
  return load(json::parse(text));
}

std::string kind(const Effect& effect) {
  static const char* const names[] = {"Play",    "StopPlayback", "StartTimer",    "CancelTimer",
                                      "Query",   "Say",          "RecordMessage", "Rate",
                                      "ToQueue", "Transfer",     "GotoFlow",      "Hangup"};
  return names[effect.index()];
}

std::vector<std::string> kinds(const Effects& effects) {
  std::vector<std::string> out;
  for (const auto& e : effects) out.push_back(kind(e));
  return out;
}

using Kinds = std::vector<std::string>;

template <typename T>
std::vector<T> all(const Effects& effects) {
  std::vector<T> out;
  for (const auto& e : effects) {
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  }
  return out;
}

// The single effect of type T (a test failure when there is not exactly one).
template <typename T>
T one(const Effects& effects) {
  auto found = all<T>(effects);
  EXPECT_EQ(found.size(), 1u) << "effects: " << ::testing::PrintToString(kinds(effects));
  return found.empty() ? T{} : found.front();
}

std::string first_text(const PromptList& items) {
  return items.empty() ? "" : items.front().value;
}

// Events of one kind in the path log.
std::vector<json> log_events(const FlowInterpreter& call, const std::string& event) {
  std::vector<json> out;
  json log = call.path_log();
  for (const auto& e : log["events"]) {
    if (e["event"] == event) out.push_back(e);
  }
  return out;
}

std::vector<std::string> visited(const FlowInterpreter& call) {
  std::vector<std::string> out;
  for (const auto& e : log_events(call, "node")) out.push_back(e["node"]);
  return out;
}

// ---- flows used by several tests ------------------------------------------------------------

const char* kMenuFlow = R"({
  "name": "menu", "version": 3, "start": "m", "fallback": "agent",
  "nodes": {
    "m": {"type": "menu", "prompts": [{"text": "请选择"}], "timeout_ms": 4000, "max_retries": 2,
          "invalid_prompts": [{"text": "输入有误"}], "timeout_prompts": [{"text": "没有听到"}],
          "exits": {"1": "one", "2": "two", "timeout": "agent", "invalid": "bye"}},
    "one": {"type": "queue", "queue": "social_insurance", "priority": 2},
    "two": {"type": "transfer", "target": "8001"},
    "agent": {"type": "queue", "queue": "general"},
    "bye": {"type": "hangup"}
  }
})";

const char* kCollectFlow = R"({
  "name": "collect", "version": 1, "start": "c", "fallback": "agent",
  "nodes": {
    "c": {"type": "collect", "prompts": [{"text": "请输入身份证号码"}], "min_length": 18,
          "max_length": 18, "terminator": "#", "first_digit_timeout_ms": 6000,
          "inter_digit_timeout_ms": 3000, "validate": "id_number", "variable": "id_number",
          "sensitive": true, "attempts": 2, "retry_prompts": [{"text": "有误，请重新输入"}],
          "star_as": "X", "exits": {"ok": "agent", "failed": "failed"}},
    "agent": {"type": "queue", "queue": "general"},
    "failed": {"type": "hangup", "prompts": [{"text": "再见"}]}
  }
})";

const char* kCodeFlow = R"({
  "name": "code", "version": 1, "start": "c",
  "nodes": {
    "c": {"type": "collect", "prompts": [{"text": "请输入编号"}], "min_length": 3,
          "max_length": 6, "validate": "digits", "variable": "code", "attempts": 1,
          "exits": {"ok": "done", "failed": "bye"}},
    "done": {"type": "queue", "queue": "general"},
    "bye": {"type": "hangup"}
  }
})";

void key_in(FlowInterpreter& call, const std::string& keys, Effects* last = nullptr) {
  for (char k : keys) {
    auto effects = call.digit(k);
    if (last) *last = effects;
  }
}

// ---- play -----------------------------------------------------------------------------------

TEST(FlowInterpreterPlay, PlaysThenFollowsNext) {
  TestEnvironment env;
  FlowInterpreter call(load(R"({"name": "p", "start": "a", "nodes": {
    "a": {"type": "play", "prompts": [{"prompt": "welcome"}, {"text": "您好"}],
          "exits": {"next": "b"}},
    "b": {"type": "hangup"}}})"),
                       env);
  auto effects = call.start();
  ASSERT_EQ(kinds(effects), Kinds{"Play"});
  auto play = one<Play>(effects);
  ASSERT_EQ(play.items.size(), 2u);
  EXPECT_EQ(play.items[0].kind, PromptItem::Kind::prompt);
  EXPECT_EQ(play.items[0].value, "welcome");
  EXPECT_FALSE(play.interruptible_by_digits);
  EXPECT_FALSE(call.finished());
  EXPECT_EQ(call.current_node(), "a");

  effects = call.playback_finished(play.token);
  EXPECT_EQ(kinds(effects), Kinds{"Hangup"});
  EXPECT_EQ(one<Hangup>(effects).cause, "normal");
  EXPECT_TRUE(call.finished());
  EXPECT_EQ(call.outcome(), "completed");
  EXPECT_EQ(visited(call), (std::vector<std::string>{"a", "b"}));
}

TEST(FlowInterpreterStart, StartsAtANamedNodeForAnAgentsTransfer) {
  TestEnvironment env;
  FlowInterpreter call(load(kMenuFlow), env);
  auto effects = call.start("two");  // an agent transferred the caller to this node
  EXPECT_EQ(kinds(effects), Kinds{"Transfer"});
  EXPECT_EQ(one<Transfer>(effects).target, "8001");
  EXPECT_EQ(visited(call), (std::vector<std::string>{"two"}));
}

TEST(FlowInterpreterStart, AnUnknownNodeStartsAtTheStart) {
  TestEnvironment env;
  FlowInterpreter call(load(kMenuFlow), env);
  EXPECT_EQ(kinds(call.start("no_such_node")), Kinds{"Play"});
  EXPECT_EQ(call.current_node(), "m");
}

TEST(FlowInterpreterPlay, StalePlaybackTokenIsIgnored) {
  TestEnvironment env;
  FlowInterpreter call(load(kMenuFlow), env);
  auto play = one<Play>(call.start());
  EXPECT_TRUE(call.playback_finished(play.token + 100).empty());
  EXPECT_TRUE(call.playback_finished(0).empty());
  // The real one still works.
  EXPECT_EQ(kinds(call.playback_finished(play.token)), Kinds{"StartTimer"});
  // And a second report of the same playback does nothing.
  EXPECT_TRUE(call.playback_finished(play.token).empty());
}

const char* kWelcomeThenMenu = R"({
  "name": "w", "start": "welcome", "nodes": {
    "welcome": {"type": "play", "prompts": [{"text": "欢迎"}], "interruptible": INTERRUPTIBLE,
                "exits": {"next": "m"}},
    "m": {"type": "menu", "prompts": [{"text": "请选择"}],
          "exits": {"1": "one", "timeout": "bye", "invalid": "bye"}},
    "one": {"type": "queue", "queue": "q1"},
    "bye": {"type": "hangup"}}})";

std::shared_ptr<const Flow> welcome_flow(bool interruptible) {
  std::string text = kWelcomeThenMenu;
  text.replace(text.find("INTERRUPTIBLE"), 13, interruptible ? "true" : "false");
  return load(json::parse(text));
}

TEST(FlowInterpreterPlay, TypeAheadThroughInterruptiblePromptSelectsInTheMenu) {
  TestEnvironment env;
  FlowInterpreter call(welcome_flow(true), env);
  auto play = one<Play>(call.start());
  EXPECT_TRUE(play.interruptible_by_digits);
  auto effects = call.digit('1');
  // The key stops the welcome, skips the menu prompt and selects 1.
  EXPECT_EQ(kinds(effects), (Kinds{"StopPlayback", "ToQueue"}));
  EXPECT_EQ(one<StopPlayback>(effects).token, play.token);
  EXPECT_EQ(one<ToQueue>(effects).queue, "q1");
  EXPECT_EQ(call.outcome(), "queued");
}

TEST(FlowInterpreterPlay, KeysDuringUninterruptiblePromptAreKeptForTheMenu) {
  TestEnvironment env;
  FlowInterpreter call(welcome_flow(false), env);
  auto play = one<Play>(call.start());
  EXPECT_TRUE(call.digit('1').empty());  // the prompt goes on
  EXPECT_FALSE(call.finished());
  auto effects = call.playback_finished(play.token);
  EXPECT_EQ(kinds(effects), Kinds{"ToQueue"});
}

TEST(FlowInterpreterPlay, IgnoresKeysThatAreNotDtmf) {
  TestEnvironment env;
  FlowInterpreter call(welcome_flow(true), env);
  call.start();
  EXPECT_TRUE(call.digit('x').empty());
  EXPECT_TRUE(call.digit('\0').empty());
  EXPECT_EQ(call.current_node(), "welcome");
}

// ---- menu -----------------------------------------------------------------------------------

TEST(FlowInterpreterMenu, KeyAfterPromptTakesItsExit) {
  TestEnvironment env;
  FlowInterpreter call(load(kMenuFlow), env);
  auto play = one<Play>(call.start());
  EXPECT_TRUE(play.interruptible_by_digits);
  EXPECT_EQ(first_text(play.items), "请选择");
  auto effects = call.playback_finished(play.token);
  auto timer = one<StartTimer>(effects);
  EXPECT_EQ(timer.ms, 4000);
  effects = call.digit('2');
  EXPECT_EQ(kinds(effects), (Kinds{"CancelTimer", "Transfer"}));
  EXPECT_EQ(one<CancelTimer>(effects).token, timer.token);
  EXPECT_EQ(one<Transfer>(effects).target, "8001");
  EXPECT_EQ(call.outcome(), "transferred");
  auto digits = log_events(call, "digits");
  ASSERT_EQ(digits.size(), 1u);
  EXPECT_EQ(digits[0]["value"], "2");
  EXPECT_EQ(digits[0]["node"], "m");
}

TEST(FlowInterpreterMenu, KeyDuringPromptStopsItAndCounts) {
  TestEnvironment env;
  FlowInterpreter call(load(kMenuFlow), env);
  auto play = one<Play>(call.start());
  auto effects = call.digit('1');
  EXPECT_EQ(kinds(effects), (Kinds{"StopPlayback", "ToQueue"}));
  auto queue = one<ToQueue>(effects);
  EXPECT_EQ(queue.queue, "social_insurance");
  EXPECT_EQ(queue.priority, 2);
  EXPECT_EQ(queue.context["flow"], "menu");
  EXPECT_EQ(queue.context["flow_version"], 3);
  // The playback it stopped does not count any more.
  EXPECT_TRUE(call.playback_finished(play.token).empty());
}

TEST(FlowInterpreterMenu, TimeoutsReplayWithTimeoutPromptThenTakeTimeoutExit) {
  TestEnvironment env;
  FlowInterpreter call(load(kMenuFlow), env);
  auto play = one<Play>(call.start());
  for (int retry = 1; retry <= 2; ++retry) {
    auto timer = one<StartTimer>(call.playback_finished(play.token));
    auto effects = call.timer_fired(timer.token);
    play = one<Play>(effects);
    ASSERT_EQ(play.items.size(), 2u);
    EXPECT_EQ(play.items[0].value, "没有听到");
    EXPECT_EQ(play.items[1].value, "请选择");
  }
  auto timer = one<StartTimer>(call.playback_finished(play.token));
  auto effects = call.timer_fired(timer.token);
  EXPECT_EQ(one<ToQueue>(effects).queue, "general");
  EXPECT_EQ(log_events(call, "timeout").size(), 3u);
}

TEST(FlowInterpreterMenu, InvalidKeysReplayThenTakeInvalidExit) {
  TestEnvironment env;
  FlowInterpreter call(load(kMenuFlow), env);
  auto play = one<Play>(call.start());
  auto effects = call.digit('7');
  EXPECT_EQ(kinds(effects), (Kinds{"StopPlayback", "Play"}));
  EXPECT_EQ(first_text(one<Play>(effects).items), "输入有误");
  effects = call.digit('#');
  EXPECT_EQ(first_text(one<Play>(effects).items), "输入有误");
  effects = call.digit('9');  // third failure with max_retries 2
  EXPECT_EQ(kinds(effects), (Kinds{"StopPlayback", "Hangup"}));
  EXPECT_EQ(call.outcome(), "completed");
  EXPECT_EQ(log_events(call, "invalid").size(), 3u);
}

TEST(FlowInterpreterMenu, TimeoutsAndInvalidKeysShareTheRetryCount) {
  TestEnvironment env;
  FlowInterpreter call(load(kMenuFlow), env);
  auto play = one<Play>(call.start());
  auto timer = one<StartTimer>(call.playback_finished(play.token));
  play = one<Play>(call.timer_fired(timer.token));  // failure 1: timeout
  call.digit('8');                                  // failure 2: invalid
  auto effects = call.digit('8');                   // failure 3: takes the invalid exit
  EXPECT_EQ(one<Hangup>(effects).cause, "normal");
}

TEST(FlowInterpreterMenu, StaleTimerTokenIsIgnored) {
  TestEnvironment env;
  FlowInterpreter call(load(kMenuFlow), env);
  auto play = one<Play>(call.start());
  auto timer = one<StartTimer>(call.playback_finished(play.token));
  EXPECT_TRUE(call.timer_fired(timer.token + 1).empty());
  EXPECT_TRUE(call.timer_fired(0).empty());
  auto replay = one<Play>(call.timer_fired(timer.token));
  // The timer already fired once: firing again (a duplicate) does nothing.
  EXPECT_TRUE(call.timer_fired(timer.token).empty());
  auto timer2 = one<StartTimer>(call.playback_finished(replay.token));
  EXPECT_NE(timer2.token, timer.token);
  // A key cancels the timer; its late firing does nothing.
  call.digit('1');
  EXPECT_TRUE(call.finished());
  EXPECT_TRUE(call.timer_fired(timer2.token).empty());
}

// ---- collect --------------------------------------------------------------------------------

TEST(FlowInterpreterCollect, TerminatorEndsInputAndValidInputIsStored) {
  TestEnvironment env;
  FlowInterpreter call(load(kCollectFlow), env);
  auto play = one<Play>(call.start());
  EXPECT_TRUE(play.interruptible_by_digits);
  auto timer = one<StartTimer>(call.playback_finished(play.token));
  EXPECT_EQ(timer.ms, 6000);
  Effects last;
  key_in(call, "11010519491231002", &last);
  EXPECT_EQ(one<StartTimer>(last).ms, 3000);  // inter-digit timer after each key
  key_in(call, "*", &last);                   // * stands for X: 18 keys end the input
  EXPECT_EQ(one<ToQueue>(last).queue, "general");
  ASSERT_EQ(env.validated.size(), 1u);
  EXPECT_EQ(env.validated[0], kGoodId);
  ASSERT_NE(call.variable("id_number"), nullptr);
  EXPECT_EQ(*call.variable("id_number"), kGoodId);
}

TEST(FlowInterpreterCollect, SensitiveInputNeverReachesPathLogOrQueueContext) {
  TestEnvironment env;
  FlowInterpreter call(load(kCollectFlow), env);
  call.start();
  Effects last;
  key_in(call, "11010519491231002*", &last);
  auto queue = one<ToQueue>(last);
  EXPECT_TRUE(call.is_sensitive("id_number"));
  EXPECT_EQ(call.sensitive_variables().at("id_number"), kGoodId);
  EXPECT_FALSE(call.public_variables().contains("id_number"));
  EXPECT_FALSE(queue.context["variables"].contains("id_number"));
  EXPECT_EQ(queue.context["sensitive_variables"], json::array({"id_number"}));
  std::string log = call.path_log().dump();
  EXPECT_EQ(log.find("1101051949"), std::string::npos) << log;
  EXPECT_EQ(queue.context.dump().find("1101051949"), std::string::npos);
  auto digits = log_events(call, "digits");
  ASSERT_EQ(digits.size(), 1u);
  EXPECT_EQ(digits[0]["value"], "******");
  EXPECT_EQ(digits[0]["valid"], true);
}

TEST(FlowInterpreterCollect, BadInputIsRetriedThenFails) {
  TestEnvironment env;
  FlowInterpreter call(load(kCollectFlow), env);
  call.start();
  Effects last;
  key_in(call, "110105194912310021", &last);  // bad check digit per the environment
  auto retry = one<Play>(last);
  ASSERT_EQ(retry.items.size(), 2u);
  EXPECT_EQ(retry.items[0].value, "有误，请重新输入");
  EXPECT_EQ(retry.items[1].value, "请输入身份证号码");
  key_in(call, "12345#", &last);  // too short, ended by #
  EXPECT_EQ(first_text(one<Play>(last).items), "再见");
  EXPECT_EQ(env.validated.size(), 1u);  // too short never reaches validation
  EXPECT_EQ(visited(call), (std::vector<std::string>{"c", "failed"}));
  std::string log = call.path_log().dump();
  EXPECT_EQ(log.find("110105"), std::string::npos) << log;
  EXPECT_EQ(log.find("12345"), std::string::npos) << log;
  EXPECT_EQ(call.variable("id_number"), nullptr);
}

TEST(FlowInterpreterCollect, InterDigitTimeoutEndsInput) {
  TestEnvironment env;
  FlowInterpreter call(load(kCodeFlow), env);
  auto play = one<Play>(call.start());
  call.playback_finished(play.token);
  Effects last;
  key_in(call, "4711", &last);
  auto timer = one<StartTimer>(last);
  auto effects = call.timer_fired(timer.token);
  EXPECT_EQ(one<ToQueue>(effects).queue, "general");
  EXPECT_EQ(*call.variable("code"), "4711");
  // Not sensitive: the digits are in the path log.
  EXPECT_EQ(log_events(call, "digits").at(0)["value"], "4711");
  EXPECT_EQ(one<ToQueue>(effects).context["variables"]["code"], "4711");
}

TEST(FlowInterpreterCollect, MaxLengthEndsInputWithoutTerminator) {
  TestEnvironment env;
  FlowInterpreter call(load(kCodeFlow), env);
  call.start();
  Effects last;
  key_in(call, "123456", &last);
  EXPECT_EQ(kinds(last), (Kinds{"CancelTimer", "ToQueue"}));
  EXPECT_EQ(*call.variable("code"), "123456");
}

TEST(FlowInterpreterCollect, DigitsValidationRejectsStar) {
  TestEnvironment env;
  FlowInterpreter call(load(kCodeFlow), env);
  call.start();
  Effects last;
  key_in(call, "12*4#", &last);  // one attempt only
  EXPECT_EQ(kinds(last), (Kinds{"CancelTimer", "Hangup"}));
  EXPECT_TRUE(env.validated.empty());  // "digits" is checked by the interpreter itself
  EXPECT_EQ(log_events(call, "digits").at(0)["valid"], false);
}

TEST(FlowInterpreterCollect, FirstDigitTimeoutCountsAsAFailedAttempt) {
  TestEnvironment env;
  FlowInterpreter call(load(kCollectFlow), env);
  auto play = one<Play>(call.start());
  auto timer = one<StartTimer>(call.playback_finished(play.token));
  EXPECT_EQ(timer.ms, 6000);
  play = one<Play>(call.timer_fired(timer.token));
  EXPECT_EQ(first_text(play.items), "有误，请重新输入");
  timer = one<StartTimer>(call.playback_finished(play.token));
  auto effects = call.timer_fired(timer.token);
  EXPECT_EQ(first_text(one<Play>(effects).items), "再见");
  EXPECT_EQ(log_events(call, "timeout").size(), 2u);
}

TEST(FlowInterpreterCollect, KeysTypedAheadBeforeTheCollectAreUsed) {
  TestEnvironment env;
  FlowInterpreter call(load(R"({"name": "t", "start": "hi", "nodes": {
    "hi": {"type": "play", "prompts": [{"text": "您好"}], "exits": {"next": "c"}},
    "c": {"type": "collect", "prompts": [{"text": "请输入"}], "max_length": 4, "variable": "v",
          "exits": {"ok": "q", "failed": "q"}},
    "q": {"type": "queue", "queue": "general"}}})"),
                       env);
  auto play = one<Play>(call.start());
  key_in(call, "12");
  // The collect starts with "12" already keyed: no prompt, wait for more keys.
  auto effects = call.playback_finished(play.token);
  EXPECT_EQ(kinds(effects), Kinds{"StartTimer"});
  key_in(call, "34", &effects);
  EXPECT_EQ(one<ToQueue>(effects).context["variables"]["v"], "1234");
}

// ---- time condition, set variable ---------------------------------------------------------

const char* kHoursFlow = R"({"name": "h", "start": "t", "nodes": {
  "t": {"type": "time_condition", "calendar": "default", "exits": {"open": "in", "closed": "out"}},
  "in": {"type": "queue", "queue": "general"},
  "out": {"type": "hangup", "prompts": [{"text": "非工作时间"}]}}})";

TEST(FlowInterpreterTimeCondition, OpenAndClosed) {
  TestEnvironment env;
  env.calendars["default"] = true;
  FlowInterpreter open_call(load(kHoursFlow), env);
  EXPECT_EQ(kinds(open_call.start()), Kinds{"ToQueue"});
  EXPECT_EQ(log_events(open_call, "time_condition").at(0)["open"], true);

  env.calendars["default"] = false;
  FlowInterpreter closed_call(load(kHoursFlow), env);
  EXPECT_EQ(first_text(one<Play>(closed_call.start()).items), "非工作时间");
}

TEST(FlowInterpreterSetVariable, RendersTemplatesAndKeepsSensitivity) {
  TestEnvironment env;
  FlowInterpreter call(load(R"({"name": "s", "start": "a", "nodes": {
    "a": {"type": "set_variable", "variable": "greeting", "value": "来电{called}",
          "exits": {"next": "b"}},
    "b": {"type": "set_variable", "variable": "copy", "value": "{secret}", "exits": {"next": "q"}},
    "q": {"type": "queue", "queue": "general"}}})"),
                       env);
  call.set_variable("called", "84038437");
  call.set_variable("secret", "123", true);
  auto queue = one<ToQueue>(call.start());
  EXPECT_EQ(queue.context["variables"]["greeting"], "来电84038437");
  EXPECT_TRUE(call.is_sensitive("copy"));
  EXPECT_FALSE(queue.context["variables"].contains("copy"));
  EXPECT_EQ(call.sensitive_variables().at("copy"), "123");
}

// ---- data query and say result ---------------------------------------------------------------

const char* kQueryFlow = R"({"name": "q", "start": "ask", "fallback": "agent", "nodes": {
  "ask": {"type": "set_variable", "variable": "id", "value": "11010519491231002X",
          "exits": {"next": "lookup"}},
  "lookup": {"type": "data_query", "source": "card_progress", "params": {"id_number": "{id}"},
             "result_variable": "progress", "timeout_ms": 2000,
             "exits": {"found": "say", "not_found": "none", "error": "sorry"}},
  "say": {"type": "say_result", "text": "您的社保卡{status}，预计{expected_date:date}可领取",
          "result_variable": "progress", "exits": {"next": "after"}},
  "none": {"type": "play", "prompts": [{"text": "没有记录"}], "exits": {"next": "after"}},
  "sorry": {"type": "play", "prompts": [{"text": "系统繁忙"}], "exits": {"next": "agent"}},
  "after": {"type": "menu", "prompts": [{"text": "人工服务请按0"}],
            "exits": {"0": "agent", "timeout": "bye", "invalid": "bye"}},
  "agent": {"type": "queue", "queue": "general"},
  "bye": {"type": "hangup", "prompts": [{"text": "再见"}]}}})";

TEST(FlowInterpreterQuery, FoundIsSpokenAndCountsAsSelfServed) {
  TestEnvironment env;
  FlowInterpreter call(load(kQueryFlow), env);
  auto effects = call.start();
  EXPECT_EQ(kinds(effects), (Kinds{"Query", "StartTimer"}));
  auto query = one<Query>(effects);
  EXPECT_EQ(query.source, "card_progress");
  EXPECT_EQ(query.params.at("id_number"), kGoodId);
  auto timer = one<StartTimer>(effects);
  EXPECT_EQ(timer.ms, 2000);

  json record = {{"status", "制卡中"}, {"expected_date", "2026-12-12"}};
  effects = call.query_finished({query.token, QueryOutcome::Kind::found, record});
  EXPECT_EQ(kinds(effects), (Kinds{"CancelTimer", "Say"}));
  auto say = one<Say>(effects);
  EXPECT_EQ(say.text, "您的社保卡{status}，预计{expected_date:date}可领取");
  EXPECT_EQ(say.fields, record);
  EXPECT_EQ(*call.variable("progress"), record);

  auto play = one<Play>(call.playback_finished(say.token));
  EXPECT_EQ(first_text(play.items), "人工服务请按0");
  effects = call.caller_hung_up();
  EXPECT_EQ(kinds(effects), Kinds{"StopPlayback"});
  EXPECT_EQ(call.outcome(), "self_served");
  auto log = call.path_log();
  EXPECT_EQ(log["query_outcome"], "found");
  EXPECT_EQ(log["outcome"], "self_served");
  EXPECT_EQ(log_events(call, "query").at(0)["source"], "card_progress");
}

TEST(FlowInterpreterQuery, SelfServedAlsoWhenTheFlowHangsUp) {
  TestEnvironment env;
  FlowInterpreter call(load(kQueryFlow), env);
  auto query = one<Query>(call.start());
  auto say = one<Say>(call.query_finished({query.token, QueryOutcome::Kind::found, {}}));
  EXPECT_EQ(say.fields, json::object());
  auto menu = one<Play>(call.playback_finished(say.token));
  auto timer = one<StartTimer>(call.playback_finished(menu.token));
  auto bye = one<Play>(call.timer_fired(timer.token));  // max_retries 2: replay
  timer = one<StartTimer>(call.playback_finished(bye.token));
  bye = one<Play>(call.timer_fired(timer.token));
  timer = one<StartTimer>(call.playback_finished(bye.token));
  bye = one<Play>(call.timer_fired(timer.token));
  EXPECT_EQ(first_text(bye.items), "再见");
  EXPECT_EQ(one<Hangup>(call.playback_finished(bye.token)).cause, "normal");
  EXPECT_EQ(call.outcome(), "self_served");
}

TEST(FlowInterpreterQuery, NotFound) {
  TestEnvironment env;
  FlowInterpreter call(load(kQueryFlow), env);
  auto query = one<Query>(call.start());
  auto effects = call.query_finished({query.token, QueryOutcome::Kind::not_found, {}});
  EXPECT_EQ(first_text(one<Play>(effects).items), "没有记录");
  EXPECT_EQ(call.variable("progress"), nullptr);
  call.caller_hung_up();
  EXPECT_EQ(call.outcome(), "abandoned");
  EXPECT_EQ(call.path_log()["query_outcome"], "not_found");
}

TEST(FlowInterpreterQuery, ErrorTakesErrorExit) {
  TestEnvironment env;
  FlowInterpreter call(load(kQueryFlow), env);
  auto query = one<Query>(call.start());
  auto effects = call.query_finished({query.token, QueryOutcome::Kind::error, {}});
  auto sorry = one<Play>(effects);
  EXPECT_EQ(first_text(sorry.items), "系统繁忙");
  EXPECT_EQ(one<ToQueue>(call.playback_finished(sorry.token)).context["query_outcome"], "error");
}

TEST(FlowInterpreterQuery, TimeoutIsAnErrorAndTheLateAnswerIsIgnored) {
  TestEnvironment env;
  FlowInterpreter call(load(kQueryFlow), env);
  auto effects = call.start();
  auto query = one<Query>(effects);
  auto timer = one<StartTimer>(effects);
  effects = call.timer_fired(timer.token);
  EXPECT_EQ(first_text(one<Play>(effects).items), "系统繁忙");
  EXPECT_EQ(log_events(call, "query").at(0)["reason"], "timeout");
  EXPECT_TRUE(call.query_finished({query.token, QueryOutcome::Kind::found, {}}).empty());
  EXPECT_EQ(call.current_node(), "sorry");
}

TEST(FlowInterpreterQuery, AnswerWithWrongTokenIsIgnored) {
  TestEnvironment env;
  FlowInterpreter call(load(kQueryFlow), env);
  auto query = one<Query>(call.start());
  EXPECT_TRUE(call.query_finished({query.token + 5, QueryOutcome::Kind::found, {}}).empty());
  EXPECT_EQ(call.current_node(), "lookup");
  EXPECT_FALSE(call.query_finished({query.token, QueryOutcome::Kind::found, {}}).empty());
}

TEST(FlowInterpreterQuery, KeysDuringTheQueryAreTypeAheadForTheNextMenu) {
  TestEnvironment env;
  FlowInterpreter call(load(kQueryFlow), env);
  auto query = one<Query>(call.start());
  EXPECT_TRUE(call.digit('0').empty());
  auto none = one<Play>(call.query_finished({query.token, QueryOutcome::Kind::not_found, {}}));
  // "没有记录" is not interruptible; when it ends, the menu takes the 0 at once.
  EXPECT_EQ(one<ToQueue>(call.playback_finished(none.token)).queue, "general");
}

TEST(FlowInterpreterSayResult, InterruptibleSayStopsOnKey) {
  TestEnvironment env;
  FlowInterpreter call(load(R"({"name": "s", "start": "say", "nodes": {
    "say": {"type": "say_result", "text": "{a}", "result_variable": "r", "interruptible": true,
            "exits": {"next": "q"}},
    "q": {"type": "queue", "queue": "general"}}})"),
                       env);
  call.set_variable("r", {{"a", "b"}});
  auto say = one<Say>(call.start());
  EXPECT_TRUE(say.interruptible_by_digits);
  EXPECT_EQ(say.fields["a"], "b");
  auto effects = call.digit('5');
  EXPECT_EQ(kinds(effects), (Kinds{"StopPlayback", "ToQueue"}));
}

// ---- message --------------------------------------------------------------------------------

const char* kMessageFlow = R"({"name": "m", "start": "msg", "nodes": {
  "msg": {"type": "message", "prompts": [{"text": "请在提示音后留言"}], "max_seconds": 90,
          "exits": {"next": "bye"}},
  "bye": {"type": "hangup", "prompts": [{"text": "再见"}]}}})";

TEST(FlowInterpreterMessage, PromptThenRecordThenNext) {
  TestEnvironment env;
  FlowInterpreter call(load(kMessageFlow), env);
  auto play = one<Play>(call.start());
  EXPECT_FALSE(play.interruptible_by_digits);
  auto effects = call.playback_finished(play.token);
  EXPECT_EQ(one<RecordMessage>(effects).max_seconds, 90);
  EXPECT_TRUE(call.digit('#').empty());  // keys belong to the recording
  auto bye = one<Play>(call.message_finished(42));
  EXPECT_EQ(first_text(bye.items), "再见");
  EXPECT_EQ(log_events(call, "message").at(0)["seconds"], 42);
  call.playback_finished(bye.token);
  EXPECT_EQ(call.outcome(), "message");
}

TEST(FlowInterpreterMessage, EmptyRecordingIsNotAMessage) {
  TestEnvironment env;
  FlowInterpreter call(load(kMessageFlow), env);
  auto play = one<Play>(call.start());
  call.playback_finished(play.token);
  auto bye = one<Play>(call.message_finished(0));
  call.playback_finished(bye.token);
  EXPECT_EQ(call.outcome(), "completed");
}

TEST(FlowInterpreterMessage, HangingUpEndsTheMessage) {
  TestEnvironment env;
  FlowInterpreter call(load(kMessageFlow), env);
  auto play = one<Play>(call.start());
  call.playback_finished(play.token);
  EXPECT_TRUE(call.caller_hung_up().empty());
  EXPECT_EQ(call.outcome(), "message");
  EXPECT_TRUE(call.message_finished(30).empty());  // after the end: ignored
}

// ---- survey ---------------------------------------------------------------------------------

const char* kSurveyFlow = R"({"name": "survey", "start": "s", "nodes": {
  "s": {"type": "survey", "prompts": [{"text": "满意请按1"}], "timeout_ms": 7000,
        "exits": {"next": "thanks"}},
  "thanks": {"type": "hangup", "prompts": [{"text": "谢谢"}]}}})";

TEST(FlowInterpreterSurvey, KeysOneTwoThreeRate) {
  const std::pair<char, Rating> cases[] = {
      {'1', Rating::satisfied}, {'2', Rating::basically_satisfied}, {'3', Rating::dissatisfied}};
  for (const auto& [key, rating] : cases) {
    TestEnvironment env;
    FlowInterpreter call(load(kSurveyFlow), env);
    auto play = one<Play>(call.start());
    EXPECT_TRUE(play.interruptible_by_digits);
    call.playback_finished(play.token);
    auto effects = call.digit(key);
    EXPECT_EQ(one<Rate>(effects).rating, rating) << key;
    EXPECT_EQ(first_text(one<Play>(effects).items), "谢谢");
    EXPECT_EQ(call.path_log()["rating"], to_string(rating));
    call.caller_hung_up();
    EXPECT_EQ(call.outcome(), "surveyed");
  }
}

TEST(FlowInterpreterSurvey, KeyDuringQuestionRatesAndOtherKeysAreIgnored) {
  TestEnvironment env;
  FlowInterpreter call(load(kSurveyFlow), env);
  call.start();
  EXPECT_TRUE(call.digit('5').empty());
  EXPECT_TRUE(call.digit('#').empty());
  auto effects = call.digit('2');
  EXPECT_EQ(kinds(effects), (Kinds{"StopPlayback", "Rate", "Play"}));
  EXPECT_EQ(one<Rate>(effects).rating, Rating::basically_satisfied);
}

TEST(FlowInterpreterSurvey, NoInputIsNotRated) {
  TestEnvironment env;
  FlowInterpreter call(load(kSurveyFlow), env);
  auto play = one<Play>(call.start());
  auto timer = one<StartTimer>(call.playback_finished(play.token));
  EXPECT_EQ(timer.ms, 7000);
  auto effects = call.timer_fired(timer.token);
  EXPECT_EQ(one<Rate>(effects).rating, Rating::not_rated);
  EXPECT_EQ(call.path_log()["rating"], "not_rated");
}

TEST(FlowInterpreterSurvey, HangUpIsNotRated) {
  for (bool during_prompt : {true, false}) {
    TestEnvironment env;
    FlowInterpreter call(load(kSurveyFlow), env);
    auto play = one<Play>(call.start());
    if (!during_prompt) call.playback_finished(play.token);
    auto effects = call.caller_hung_up();
    EXPECT_EQ(kinds(effects), (Kinds{during_prompt ? "StopPlayback" : "CancelTimer", "Rate"}));
    EXPECT_EQ(one<Rate>(effects).rating, Rating::not_rated);
    EXPECT_EQ(call.path_log()["rating"], "not_rated");
    EXPECT_TRUE(call.finished());
  }
}

TEST(FlowInterpreterSurvey, KeysBeforeTheQuestionAreNotARating) {
  TestEnvironment env;
  FlowInterpreter call(load(R"({"name": "s", "start": "p", "nodes": {
    "p": {"type": "play", "prompts": [{"text": "坐席已挂机"}], "exits": {"next": "s"}},
    "s": {"type": "survey", "prompts": [{"text": "满意请按1"}], "exits": {"next": "bye"}},
    "bye": {"type": "hangup"}}})"),
                       env);
  auto play = one<Play>(call.start());
  call.digit('3');
  auto effects = call.playback_finished(play.token);
  EXPECT_EQ(kinds(effects), Kinds{"Play"});
  EXPECT_TRUE(all<Rate>(effects).empty());
}

// ---- hangup, transfer, goto_flow ------------------------------------------------------------

TEST(FlowInterpreterHangup, WithoutGoodbyeHangsUpAtOnce) {
  TestEnvironment env;
  FlowInterpreter call(load(R"({"name": "h", "start": "h", "nodes": {"h": {"type": "hangup"}}})"),
                       env);
  auto effects = call.start();
  EXPECT_EQ(kinds(effects), Kinds{"Hangup"});
  EXPECT_EQ(call.outcome(), "completed");
  // Nothing happens after the end.
  EXPECT_TRUE(call.digit('1').empty());
  EXPECT_TRUE(call.caller_hung_up().empty());
  EXPECT_TRUE(call.start().empty());
}

TEST(FlowInterpreterHangup, CallerHangingUpDuringGoodbyeIsNotAbandoned) {
  TestEnvironment env;
  FlowInterpreter call(load(kCollectFlow), env);
  auto play = one<Play>(call.start());
  auto timer = one<StartTimer>(call.playback_finished(play.token));
  play = one<Play>(call.timer_fired(timer.token));
  timer = one<StartTimer>(call.playback_finished(play.token));
  one<Play>(call.timer_fired(timer.token));  // goodbye
  EXPECT_EQ(kinds(call.caller_hung_up()), Kinds{"StopPlayback"});
  EXPECT_EQ(call.outcome(), "completed");
}

const char* kGotoFlow = R"({"name": "first", "version": 2, "start": "set", "fallback": "agent",
  "nodes": {
    "set": {"type": "set_variable", "variable": "from", "value": "first", "exits": {"next": "g"}},
    "g": {"type": "goto_flow", "flow": "second"},
    "agent": {"type": "queue", "queue": "general"}}})";

TEST(FlowInterpreterGotoFlow, ContinuesInTheOtherFlowWithTheSameVariables) {
  TestEnvironment env;
  FlowInterpreter call(load(kGotoFlow), env);
  auto effects = call.start();
  EXPECT_EQ(one<GotoFlow>(effects).name, "second");
  EXPECT_FALSE(call.finished());
  EXPECT_TRUE(call.digit('4').empty());  // kept for the next menu
  effects = call.switch_flow(load(R"({"name": "second", "version": 9, "start": "m", "nodes": {
    "m": {"type": "menu", "prompts": [{"text": "二级菜单"}],
          "exits": {"4": "q", "timeout": "q", "invalid": "q"}},
    "q": {"type": "queue", "queue": "q2"}}})"));
  auto queue = one<ToQueue>(effects);
  EXPECT_EQ(queue.queue, "q2");
  EXPECT_EQ(queue.context["variables"]["from"], "first");
  EXPECT_EQ(queue.context["flow"], "second");
  EXPECT_EQ(call.flow().name, "second");
  auto flows = call.path_log()["flows"];
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[0]["version"], 2);
  EXPECT_EQ(flows[1]["name"], "second");
  EXPECT_EQ(flows[1]["version"], 9);
}

TEST(FlowInterpreterGotoFlow, MissingFlowTakesTheFallback) {
  TestEnvironment env;
  FlowInterpreter call(load(kGotoFlow), env);
  call.start();
  EXPECT_EQ(one<ToQueue>(call.goto_flow_failed()).queue, "general");
  EXPECT_EQ(log_events(call, "goto_flow_failed").size(), 1u);
}

TEST(FlowInterpreterGotoFlow, MissingFlowWithoutFallbackHangsUp) {
  TestEnvironment env;
  auto flow = json::parse(kGotoFlow);
  flow.erase("fallback");
  FlowInterpreter call(load(flow), env);
  call.start();
  EXPECT_EQ(one<Hangup>(call.goto_flow_failed()).cause, "flow_unavailable");
  EXPECT_EQ(call.outcome(), "failed");
  EXPECT_TRUE(call.switch_flow(load(kMenuFlow)).empty());  // too late
}

TEST(FlowInterpreterGotoFlow, SwitchWithoutGotoIsIgnored) {
  TestEnvironment env;
  FlowInterpreter call(load(kMenuFlow), env);
  call.start();
  EXPECT_TRUE(call.switch_flow(load(kGotoFlow)).empty());
  EXPECT_TRUE(call.goto_flow_failed().empty());
  EXPECT_EQ(call.flow().name, "menu");
}

// ---- hang-up in every waiting state -------------------------------------------------------

TEST(FlowInterpreterHangUp, InEveryWaitingState) {
  struct Case {
    const char* name;
    const char* flow;
    std::function<void(FlowInterpreter&)> reach;
    Kinds expected;
    const char* outcome;
  };
  auto play_prompt = [](FlowInterpreter& c) { c.start(); };
  auto after_prompt = [](FlowInterpreter& c) {
    auto play = one<Play>(c.start());
    c.playback_finished(play.token);
  };
  const Case cases[] = {
      {"before start", kMenuFlow, [](FlowInterpreter&) {}, {}, "abandoned"},
      {"menu prompt", kMenuFlow, play_prompt, {"StopPlayback"}, "abandoned"},
      {"menu wait", kMenuFlow, after_prompt, {"CancelTimer"}, "abandoned"},
      {"collect prompt", kCollectFlow, play_prompt, {"StopPlayback"}, "abandoned"},
      {"collect wait", kCollectFlow, after_prompt, {"CancelTimer"}, "abandoned"},
      {"collect between keys",
       kCollectFlow,
       [](FlowInterpreter& c) {
         c.start();
         c.digit('1');
       },
       {"CancelTimer"},
       "abandoned"},
      {"query", kQueryFlow, play_prompt, {"CancelTimer"}, "abandoned"},
      {"message prompt", kMessageFlow, play_prompt, {"StopPlayback"}, "abandoned"},
      {"recording", kMessageFlow, after_prompt, {}, "message"},
      {"survey", kSurveyFlow, after_prompt, {"CancelTimer", "Rate"}, "surveyed"},
      {"goto flow", kGotoFlow, play_prompt, {}, "abandoned"},
  };
  for (const auto& c : cases) {
    TestEnvironment env;
    FlowInterpreter call(load(c.flow), env);
    c.reach(call);
    auto effects = call.caller_hung_up();
    EXPECT_EQ(kinds(effects), c.expected) << c.name;
    EXPECT_TRUE(call.finished()) << c.name;
    EXPECT_EQ(call.outcome(), c.outcome) << c.name;
    EXPECT_EQ(call.path_log()["outcome"], c.outcome) << c.name;
    // Whatever arrives afterwards is ignored.
    EXPECT_TRUE(call.digit('1').empty()) << c.name;
    EXPECT_TRUE(call.timer_fired(1).empty()) << c.name;
    EXPECT_TRUE(call.timer_fired(2).empty()) << c.name;
    EXPECT_TRUE(call.playback_finished(1).empty()) << c.name;
    EXPECT_TRUE(call.query_finished({1, QueryOutcome::Kind::found, {}}).empty()) << c.name;
  }
}

// ---- visit limits ---------------------------------------------------------------------------

const char* kLoopFlow = R"({"name": "loop", "start": "m", "fallback": "agent", "max_visits": 3,
  "nodes": {
    "m": {"type": "menu", "prompts": [{"text": "请选择"}], "max_retries": 0,
          "exits": {"9": "again", "1": "agent", "timeout": "again", "invalid": "again"}},
    "again": {"type": "play", "prompts": [{"text": "重新播放"}], "interruptible": true,
              "exits": {"next": "m"}},
    "agent": {"type": "queue", "queue": "general"}}})";

TEST(FlowInterpreterVisits, VisitLimitTakesTheFallback) {
  TestEnvironment env;
  FlowInterpreter call(load(kLoopFlow), env);
  auto play = one<Play>(call.start());
  for (int visit = 1; visit <= 2; ++visit) {
    auto again = one<Play>(call.digit('9'));  // stops the menu prompt, plays "again"
    play = one<Play>(call.playback_finished(again.token));
    EXPECT_EQ(first_text(play.items), "请选择");
  }
  auto again = one<Play>(call.digit('9'));
  auto effects = call.playback_finished(again.token);  // 4th visit of m: over the limit of 3
  EXPECT_EQ(one<ToQueue>(effects).queue, "general");
  auto limit = log_events(call, "visit_limit");
  ASSERT_EQ(limit.size(), 1u);
  EXPECT_EQ(limit[0]["node"], "m");
}

TEST(FlowInterpreterVisits, NodeLimitOverridesFlowLimitAndNoFallbackHangsUp) {
  TestEnvironment env;
  auto flow = json::parse(kLoopFlow);
  flow.erase("fallback");
  flow["nodes"]["again"]["max_visits"] = 1;
  FlowInterpreter call(load(flow), env);
  call.start();
  auto again = one<Play>(call.digit('9'));
  call.playback_finished(again.token);
  auto effects = call.digit('9');  // second visit of "again"
  EXPECT_EQ(one<Hangup>(effects).cause, "loop_limit");
  EXPECT_EQ(call.outcome(), "failed");
}

TEST(FlowInterpreterVisits, UnvalidatedSilentLoopIsStopped) {
  TestEnvironment env;
  FlowInterpreter call(load(R"({"name": "spin", "start": "a", "max_visits": 1000, "nodes": {
    "a": {"type": "set_variable", "variable": "x", "value": "1", "exits": {"next": "b"}},
    "b": {"type": "set_variable", "variable": "y", "value": "2", "exits": {"next": "a"}}}})"),
                       env);
  EXPECT_FALSE(validate_flow(call.flow()).ok());
  auto effects = call.start();
  EXPECT_EQ(one<Hangup>(effects).cause, "loop_limit");
}

TEST(FlowInterpreterVisits, UnvalidatedMissingExitNeverLeavesSilence) {
  TestEnvironment env;
  FlowInterpreter call(load(R"({"name": "x", "start": "a", "nodes": {
    "a": {"type": "play", "prompts": [{"text": "hi"}]}}})"),
                       env);
  auto play = one<Play>(call.start());
  EXPECT_EQ(one<Hangup>(call.playback_finished(play.token)).cause, "flow_error");
}

// ---- path log and the demo flow -------------------------------------------------------------

TEST(FlowInterpreterPathLog, RecordsNodesWithTimeOffsets) {
  TestEnvironment env;
  FlowInterpreter call(load(kMenuFlow), env);
  auto play = one<Play>(call.start());
  env.clock += 2500;
  call.playback_finished(play.token);
  env.clock += 1200;
  call.digit('1');
  auto log = call.path_log();
  EXPECT_EQ(log["flows"][0]["name"], "menu");
  auto events = log["events"];
  ASSERT_EQ(events.size(), 3u) << log.dump();
  EXPECT_EQ(events[0], json({{"event", "node"}, {"node", "m"}, {"type", "menu"}, {"t", 0}}));
  EXPECT_EQ(events[1], json({{"event", "digits"}, {"node", "m"}, {"value", "1"}, {"t", 3700}}));
  EXPECT_EQ(events[2]["node"], "one");
  EXPECT_EQ(events[2]["type"], "queue");
  EXPECT_EQ(log["outcome"], "queued");
  EXPECT_TRUE(log["rating"].is_null());
  EXPECT_TRUE(log["query_outcome"].is_null());
}

TEST(FlowInterpreterDemo, SelfServiceQueryInHours) {
  TestEnvironment env;
  env.calendars["default"] = true;
  FlowInterpreter call(load(bureau_demo_flow()), env);
  auto welcome = one<Play>(call.start());
  auto menu = one<Play>(call.playback_finished(welcome.token));
  EXPECT_NE(first_text(menu.items).find("请按3"), std::string::npos);
  auto ask = one<Play>(call.digit('3'));
  EXPECT_NE(first_text(ask.items).find("身份证"), std::string::npos);
  Effects effects;
  key_in(call, "11010519491231002*", &effects);
  auto query = one<Query>(effects);
  // The 18th key ended the input; the # the prompt asked for is swallowed, not type-ahead.
  EXPECT_TRUE(call.digit('#').empty());
  EXPECT_EQ(query.source, "card_progress");
  EXPECT_EQ(query.params.at("id_number"), kGoodId);
  auto say =
      one<Say>(call.query_finished({query.token,
                                    QueryOutcome::Kind::found,
                                    {{"status", "制卡中"}, {"expected_date", "2026-12-12"}}}));
  auto after = one<Play>(call.playback_finished(say.token));
  EXPECT_NE(first_text(after.items).find("按0"), std::string::npos);
  EXPECT_TRUE(log_events(call, "invalid").empty());
  effects = call.digit('0');
  auto queue = one<ToQueue>(effects);
  EXPECT_EQ(queue.queue, "general");
  EXPECT_EQ(queue.context["sensitive_variables"], json::array({"id_number"}));
  EXPECT_EQ(call.outcome(), "queued");
  EXPECT_EQ(call.path_log().dump().find("1101051949"), std::string::npos);
}

TEST(FlowInterpreterDemo, MenuChoicesAndNoInputGoToTheirQueues) {
  const std::pair<char, const char*> choices[] = {
      {'1', "social_insurance"}, {'2', "medical_insurance"}, {'0', "general"}};
  for (const auto& [key, queue] : choices) {
    TestEnvironment env;
    env.calendars["default"] = true;
    FlowInterpreter call(load(bureau_demo_flow()), env);
    call.start();
    EXPECT_EQ(one<ToQueue>(call.digit(key)).queue, queue) << key;
  }
  TestEnvironment env;
  env.calendars["default"] = true;
  FlowInterpreter call(load(bureau_demo_flow()), env);
  auto welcome = one<Play>(call.start());
  auto menu = one<Play>(call.playback_finished(welcome.token));
  auto timer = one<StartTimer>(call.playback_finished(menu.token));
  menu = one<Play>(call.timer_fired(timer.token));  // one replay
  timer = one<StartTimer>(call.playback_finished(menu.token));
  EXPECT_EQ(one<ToQueue>(call.timer_fired(timer.token)).queue, "general");
}

TEST(FlowInterpreterDemo, OutsideHoursTakesAMessage) {
  TestEnvironment env;
  env.calendars["default"] = false;
  FlowInterpreter call(load(bureau_demo_flow()), env);
  auto welcome = one<Play>(call.start());
  auto notice = one<Play>(call.playback_finished(welcome.token));
  EXPECT_NE(first_text(notice.items).find("非工作时间"), std::string::npos);
  auto menu = one<Play>(call.playback_finished(notice.token));
  auto prompt = one<Play>(call.digit('1'));
  auto record = one<RecordMessage>(call.playback_finished(prompt.token));
  EXPECT_EQ(record.max_seconds, 120);
  auto bye = one<Play>(call.message_finished(35));
  EXPECT_EQ(one<Hangup>(call.playback_finished(bye.token)).cause, "normal");
  EXPECT_EQ(call.outcome(), "message");
  (void)menu;
}

}  // namespace
}  // namespace hotline::ivr
