// Chinese wording of numbers, money, dates, times and durations, and the speech templates
// built on it.
#include <gtest/gtest.h>

#include "ivr/chinese_speech.hpp"
#include "ivr/speech_template.hpp"

namespace hotline::ivr {
namespace {

using namespace std::chrono;

TEST(ChineseSpeech, Quantities) {
  const std::vector<std::pair<std::int64_t, std::string>> table = {
      {0, "零"},
      {1, "一"},
      {2, "二"},
      {10, "十"},
      {11, "十一"},
      {12, "十二"},
      {20, "二十"},
      {22, "二十二"},
      {100, "一百"},
      {105, "一百零五"},
      {110, "一百一十"},
      {200, "两百"},
      {1005, "一千零五"},
      {1200, "一千两百"},
      {2000, "两千"},
      {10000, "一万"},
      {10010, "一万零一十"},
      {12345, "一万两千三百四十五"},
      {20000, "两万"},
      {100000, "十万"},
      {120000, "十二万"},
      {1000000, "一百万"},
      {10000000, "一千万"},
      {100000000, "一亿"},
      {100010000, "一亿零一万"},
      {100005000, "一亿零五千"},
      {200000002, "两亿零二"},
      {-15, "负十五"},
  };
  for (const auto& [value, spoken] : table) EXPECT_EQ(say_quantity(value), spoken) << value;
}

TEST(ChineseSpeech, CountsUseLiangForTwo) {
  EXPECT_EQ(say_count(2), "两");
  EXPECT_EQ(say_count(12), "十二");
  EXPECT_EQ(say_count(22), "二十二");
  EXPECT_EQ(say_count(2000), "两千");
}

TEST(ChineseSpeech, DigitsOneByOne) {
  EXPECT_EQ(say_digits("13800138000"), "幺三八零零幺三八零零零");
  EXPECT_EQ(say_digits("12345", DigitOne::yi), "一二三四五");
  EXPECT_EQ(say_digits("11010519491231002X"), "幺幺零幺零五幺九四九幺二三幺零零二叉");
  EXPECT_EQ(say_digits("138-0013 8000"), "幺三八零零幺三八零零零");
  EXPECT_EQ(say_digits("+86"), "加八六");
}

TEST(ChineseSpeech, Decimals) {
  EXPECT_EQ(say_decimal("12.5"), "十二点五");
  EXPECT_EQ(say_decimal("3.14"), "三点一四");
  EXPECT_EQ(say_decimal("-0.25"), "负零点二五");
  EXPECT_EQ(say_decimal("7"), "七");
  EXPECT_FALSE(say_decimal("12.").has_value());
  EXPECT_FALSE(say_decimal("abc").has_value());
  EXPECT_FALSE(say_decimal("").has_value());
}

TEST(ChineseSpeech, Money) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"12.50", "十二元五角"},      {"12.05", "十二元零五分"}, {"12", "十二元整"},
      {"12.00", "十二元整"},        {"0.5", "五角"},           {"0.05", "五分"},
      {"12.56", "十二元五角六分"},  {"2", "两元整"},           {"0", "零元"},
      {"1005.2", "一千零五元两角"}, {"12.500", "十二元五角"},
  };
  for (const auto& [amount, spoken] : table) EXPECT_EQ(say_money(amount), spoken) << amount;
  EXPECT_FALSE(say_money("12.505").has_value());
  EXPECT_FALSE(say_money("twelve").has_value());
  EXPECT_EQ(say_money_cents(-150), "负一元五角");
}

TEST(ChineseSpeech, Dates) {
  const year_month_day december{year{2026}, month{12}, day{12}};
  EXPECT_EQ(say_date(december), "十二月十二日");
  EXPECT_EQ(say_date(december, true), "二〇二六年十二月十二日");
  EXPECT_EQ(say_date(year_month_day{year{2026}, month{2}, day{1}}), "二月一日");
  EXPECT_EQ(say_date(year_month_day{year{2030}, month{10}, day{20}}, true), "二〇三〇年十月二十日");
}

TEST(ChineseSpeech, Times) {
  EXPECT_EQ(say_time(15, 30), "下午三点三十分");
  EXPECT_EQ(say_time(9, 5), "上午九点零五分");
  EXPECT_EQ(say_time(14, 0), "下午两点");
  EXPECT_EQ(say_time(12, 10), "中午十二点十分");
  EXPECT_EQ(say_time(0, 0), "凌晨零点");
  EXPECT_EQ(say_time(20, 45), "晚上八点四十五分");
  EXPECT_EQ(say_time(24, 0), "");
}

TEST(ChineseSpeech, WeekdaysAndDurations) {
  EXPECT_EQ(say_weekday(Monday), "星期一");
  EXPECT_EQ(say_weekday(Saturday), "星期六");
  EXPECT_EQ(say_weekday(Sunday), "星期日");
  EXPECT_EQ(say_duration(3, DurationUnit::days), "三天");
  EXPECT_EQ(say_duration(2, DurationUnit::working_days), "两个工作日");
  EXPECT_EQ(say_duration(2, DurationUnit::hours), "两个小时");
  EXPECT_EQ(say_duration(30, DurationUnit::minutes), "三十分钟");
  EXPECT_EQ(say_duration(15, DurationUnit::working_days), "十五个工作日");
}

TEST(SpeechTemplate, TheCardProgressAnswer) {
  const auto spoken =
      render_speech_template("您的社保卡{status}，预计{expected_date:date}可领取",
                             {{"status", "正在制作"}, {"expected_date", "2026-12-12"}});
  ASSERT_TRUE(spoken.ok()) << spoken.error().message;
  EXPECT_EQ(*spoken, "您的社保卡正在制作，预计十二月十二日可领取");
}

TEST(SpeechTemplate, EveryFormatter) {
  const nlohmann::json fields = {{"count", 2},
                                 {"amount", 12.5},
                                 {"amount_text", "0.05"},
                                 {"id", "11010519491231002X"},
                                 {"day", "20261212"},
                                 {"at", "2026-12-12T15:30:00"},
                                 {"rate", 3.5},
                                 {"position", 2},
                                 {"card", {{"status", "已寄出"}}}};
  const std::vector<std::pair<std::string, std::string>> table = {
      {"{count:count}个工作日", "两个工作日"},
      {"第{position}位", "第二位"},
      {"{amount:money}", "十二元五角"},
      {"{amount_text:money}", "五分"},
      {"{id:digits}", "幺幺零幺零五幺九四九幺二三幺零零二叉"},
      {"{day:date}", "十二月十二日"},
      {"{day:date_year}", "二〇二六年十二月十二日"},
      {"{at:date}{at:time}", "十二月十二日下午三点三十分"},
      {"{day:weekday}", "星期六"},
      {"{rate}", "三点五"},
      {"{rate:number}", "三点五"},
      {"{card.status}", "已寄出"},
      {"{{literal}}", "{literal}"},
  };
  for (const auto& [text, expected] : table) {
    const auto spoken = render_speech_template(text, fields);
    ASSERT_TRUE(spoken.ok()) << text << ": " << spoken.error().message;
    EXPECT_EQ(*spoken, expected) << text;
  }
}

TEST(SpeechTemplate, MissingFieldIsAnErrorNamingIt) {
  const auto spoken = render_speech_template("您的社保卡{status}，预计{expected_date:date}可领取",
                                             {{"status", "正在制作"}});
  ASSERT_FALSE(spoken.ok());
  EXPECT_EQ(spoken.error().code, "missing_field");
  EXPECT_NE(spoken.error().message.find("expected_date"), std::string::npos);
  const auto null_value = render_speech_template("{status}", {{"status", nullptr}});
  EXPECT_EQ(null_value.error().code, "missing_field");
}

TEST(SpeechTemplate, BadValueNamesTheFieldButNotTheValue) {
  const auto spoken = render_speech_template("{id:date}", {{"id", "11010519491231002X"}});
  ASSERT_FALSE(spoken.ok());
  EXPECT_EQ(spoken.error().code, "bad_value");
  EXPECT_NE(spoken.error().message.find("id"), std::string::npos);
  EXPECT_EQ(spoken.error().message.find("11010519491231002X"), std::string::npos);
  EXPECT_EQ(render_speech_template("{flag}", {{"flag", true}}).error().code, "bad_value");
  EXPECT_EQ(render_speech_template("{t:time}", {{"t", "25:00"}}).error().code, "bad_value");
  EXPECT_EQ(render_speech_template("{m:money}", {{"m", "a lot"}}).error().code, "bad_value");
}

TEST(SpeechTemplate, SyntaxErrors) {
  EXPECT_EQ(render_speech_template("{status", {}).error().code, "bad_template");
  EXPECT_EQ(render_speech_template("status}", {}).error().code, "bad_template");
  EXPECT_EQ(render_speech_template("{status:shout}", {{"status", "x"}}).error().code,
            "bad_template");
  EXPECT_EQ(render_speech_template("{}", {}).error().code, "bad_template");
  EXPECT_FALSE(check_speech_template("{a:datee}").ok());
  EXPECT_TRUE(check_speech_template("您的{a}于{b:date}{c:time}").ok());
  EXPECT_EQ(speech_template_fields("{a}{b:date}{a:digits}"), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace hotline::ivr
