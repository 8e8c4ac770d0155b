#include "ivr/demo_flow.hpp"

#include <string>

namespace hotline::ivr {
namespace {

using nlohmann::json;

json text(const std::string& words) {
  return json::array({{{"text", words}}});
}

json at(double x, double y) {
  return {{"x", x}, {"y", y}};
}

}  // namespace

json bureau_demo_flow() {
  json nodes = json::object();
  nodes["welcome"] = {
      {"type", "play"},
      {"name", "欢迎语"},
      {"prompts", text("您好，欢迎致电社会保险服务热线。")},
      {"interruptible", true},
      {"exits", {{"next", "hours"}}},
      {"position", at(0, 0)},
  };
  nodes["hours"] = {
      {"type", "time_condition"}, {"name", "工作时间判断"},
      {"calendar", "default"},    {"exits", {{"open", "main_menu"}, {"closed", "closed_notice"}}},
      {"position", at(0, 120)},
  };
  // In hours.
  nodes["main_menu"] = {
      {"type", "menu"},
      {"name", "主菜单"},
      {"prompts", text("社会保险业务咨询请按1，医疗保险业务咨询请按2，社保卡办理进度自助查询请按3，"
                       "人工服务请按0。")},
      {"timeout_ms", 6000},
      {"max_retries", 1},
      {"invalid_prompts", text("您的输入有误。")},
      {"exits",
       {{"1", "queue_social"},
        {"2", "queue_medical"},
        {"3", "id_collect"},
        {"0", "queue_general"},
        {"timeout", "queue_general"},
        {"invalid", "queue_general"}}},
      {"position", at(-300, 240)},
  };
  nodes["queue_social"] = {{"type", "queue"},
                           {"name", "社会保险咨询"},
                           {"queue", "social_insurance"},
                           {"position", at(-600, 360)}};
  nodes["queue_medical"] = {{"type", "queue"},
                            {"name", "医疗保险咨询"},
                            {"queue", "medical_insurance"},
                            {"position", at(-450, 360)}};
  nodes["queue_general"] = {
      {"type", "queue"}, {"name", "人工服务"}, {"queue", "general"}, {"position", at(-300, 360)}};
  // Outside hours.
  nodes["closed_notice"] = {
      {"type", "play"},
      {"name", "非工作时间提示"},
      {"prompts", text("现在是非工作时间，我们的工作时间是周一至周五上午九点至下午五点，"
                       "法定节假日除外。")},
      {"interruptible", true},
      {"exits", {{"next", "closed_menu"}}},
      {"position", at(300, 240)},
  };
  nodes["closed_menu"] = {
      {"type", "menu"},
      {"name", "非工作时间菜单"},
      {"prompts", text("社保卡办理进度自助查询请按3，留言请按1。")},
      {"timeout_ms", 6000},
      {"max_retries", 1},
      {"invalid_prompts", text("您的输入有误。")},
      {"exits",
       {{"3", "id_collect"},
        {"1", "take_message"},
        {"timeout", "take_message"},
        {"invalid", "take_message"}}},
      {"position", at(300, 360)},
  };
  nodes["take_message"] = {
      {"type", "message"},
      {"name", "留言"},
      {"prompts", text("请在提示音后留言，请留下您的姓名和联系电话，留言最长两分钟。")},
      {"max_seconds", 120},
      {"exits", {{"next", "goodbye"}}},
      {"position", at(300, 600)},
  };
  nodes["goodbye"] = {{"type", "hangup"},
                      {"name", "结束语"},
                      {"prompts", text("感谢您的来电，再见。")},
                      {"position", at(300, 960)}};
  // Self-service progress query, from either menu.
  nodes["id_collect"] = {
      {"type", "collect"},
      {"name", "输入身份证号码"},
      {"prompts",
       text("请输入您的十八位身份证号码，最后一位是X的请按星号键，输入完毕请按井号键。")},
      {"min_length", 18},
      {"max_length", 18},
      {"terminator", "#"},
      {"first_digit_timeout_ms", 8000},
      {"inter_digit_timeout_ms", 5000},
      {"validate", "id_number"},
      {"variable", "id_number"},
      {"sensitive", true},
      {"attempts", 2},
      {"retry_prompts", text("您输入的身份证号码有误，请重新输入。")},
      {"star_as", "X"},
      {"exits", {{"ok", "progress_query"}, {"failed", "collect_failed_hours"}}},
      {"position", at(0, 480)},
  };
  nodes["collect_failed_hours"] = {
      {"type", "time_condition"},
      {"name", "输入失败后的去向"},
      {"calendar", "default"},
      {"exits", {{"open", "queue_general"}, {"closed", "take_message"}}},
      {"position", at(0, 600)},
  };
  nodes["progress_query"] = {
      {"type", "data_query"},
      {"name", "查询社保卡办理进度"},
      {"source", "card_progress"},
      {"params", {{"id_number", "{id_number}"}}},
      {"result_variable", "progress"},
      {"timeout_ms", 8000},
      {"exits",
       {{"found", "say_progress"}, {"not_found", "not_found_notice"}, {"error", "error_notice"}}},
      {"position", at(150, 600)},
  };
  nodes["say_progress"] = {
      {"type", "say_result"},
      {"name", "播报办理进度"},
      {"text", "您的社保卡{status}，预计{expected_date:date}可领取。"},
      {"result_variable", "progress"},
      {"exits", {{"next", "after_result_hours"}}},
      {"position", at(0, 720)},
  };
  nodes["not_found_notice"] = {
      {"type", "play"},
      {"name", "未查到记录"},
      {"prompts", text("没有查询到您的社保卡办理记录。")},
      {"exits", {{"next", "after_result_hours"}}},
      {"position", at(150, 720)},
  };
  nodes["error_notice"] = {
      {"type", "play"},
      {"name", "查询失败"},
      {"prompts", text("系统繁忙，暂时无法查询，请稍后再试。")},
      {"exits", {{"next", "after_result_hours"}}},
      {"position", at(300, 720)},
  };
  nodes["after_result_hours"] = {
      {"type", "time_condition"},
      {"name", "查询后的去向"},
      {"calendar", "default"},
      {"exits", {{"open", "after_result_menu"}, {"closed", "closed_after_menu"}}},
      {"position", at(150, 840)},
  };
  nodes["after_result_menu"] = {
      {"type", "menu"},
      {"name", "查询后菜单"},
      {"prompts", text("如需人工服务请按0，结束查询请直接挂机。")},
      {"timeout_ms", 6000},
      {"max_retries", 1},
      {"exits", {{"0", "queue_general"}, {"timeout", "goodbye"}, {"invalid", "goodbye"}}},
      {"position", at(0, 960)},
  };
  nodes["closed_after_menu"] = {
      {"type", "menu"},
      {"name", "非工作时间查询后菜单"},
      {"prompts", text("如需留言请按1，结束查询请直接挂机。")},
      {"timeout_ms", 6000},
      {"max_retries", 1},
      {"exits", {{"1", "take_message"}, {"timeout", "goodbye"}, {"invalid", "goodbye"}}},
      {"position", at(150, 960)},
  };
  return {
      {"name", "main"},  {"version", 1},   {"start", "welcome"}, {"fallback", "queue_general"},
      {"max_visits", 5}, {"nodes", nodes},
  };
}

json bureau_survey_flow() {
  json nodes = json::object();
  nodes["survey"] = {
      {"type", "survey"},
      {"name", "满意度评价"},
      {"prompts", text("请对本次服务进行评价：满意请按1，基本满意请按2，不满意请按3。")},
      {"timeout_ms", 8000},
      {"exits", {{"next", "thanks"}}},
      {"position", at(0, 0)},
  };
  nodes["thanks"] = {{"type", "hangup"},
                     {"name", "感谢评价"},
                     {"prompts", text("感谢您的评价，再见。")},
                     {"position", at(0, 120)}};
  return {
      {"name", "survey"}, {"version", 1}, {"start", "survey"}, {"max_visits", 5}, {"nodes", nodes},
  };
}

}  // namespace hotline::ivr
