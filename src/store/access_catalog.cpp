#include "store/access_catalog.hpp"

#include <algorithm>

namespace hotline::store {

const std::vector<PermissionInfo>& permission_catalog() {
  static const std::vector<PermissionInfo> catalog = {
      {"users.read", "system", "查看用户", "View users"},
      {"users.manage", "system", "管理用户", "Manage users"},
      {"roles.read", "system", "查看角色权限", "View roles"},
      {"roles.manage", "system", "管理角色权限", "Manage roles"},
      {"org.read", "system", "查看组织机构", "View organisation"},
      {"org.manage", "system", "管理组织机构", "Manage organisation"},
      {"audit.read", "system", "查看审计日志", "View audit log"},
      {"system.metrics", "system", "查看运行指标", "View service metrics"},
      {"sip.read", "sip", "查看话机注册与封禁", "View SIP registrations and blocks"},
      {"sip.manage", "sip", "管理话机密码与封禁", "Manage SIP passwords and blocks"},
      {"calls.read", "calls", "查看通话记录", "View call records"},
      {"calls.numbers", "calls", "查看完整号码", "See unmasked phone numbers"},
      {"calls.control", "calls", "控制通话（强拆、保持、转接、三方、驻留）",
       "Control live calls (hang up, hold, transfer, conference, park)"},
      {"recordings.read", "recordings", "收听录音", "Listen to recordings"},
      {"telephony.read", "telephony", "查看中继与号码路由", "View trunks and number routing"},
      {"telephony.manage", "telephony", "管理中继与号码路由", "Manage trunks and number routing"},
      {"ivr.read", "ivr", "查看语音导航", "View IVR flows, calendars, prompts and data sources"},
      {"ivr.manage", "ivr", "管理语音导航", "Edit, publish and import IVR configuration"},
      {"messages.read", "messages", "查看留言", "View and play voice messages"},
      {"messages.handle", "messages", "处理留言", "Handle voice messages (call-back status)"},
      {"survey.read", "survey", "查看满意度", "View satisfaction ratings"},
      {"acd.read", "acd", "查看队列配置", "View queues and not-ready reasons"},
      {"acd.manage", "acd", "管理队列与示忙原因", "Manage queues, members and not-ready reasons"},
      {"agent.work", "acd", "坐席签入接听（软电话条）",
       "Work as an agent: log in, ready / not ready, control one's own calls"},
      {"agents.read", "acd", "查看坐席状态与队列监控", "See every agent's state and the wallboard"},
      {"agents.supervise", "acd", "强制示忙、强制签出（本班组）",
       "Force an agent's state or log an agent out (own team)"},
      {"agents.monitor", "acd", "监听、密语、强插（本班组）",
       "Listen, whisper and barge in on agents' calls (own team)"},
      {"missed.read", "acd", "查看漏话", "View missed calls"},
      {"missed.handle", "acd", "处理漏话（回拨、关闭）", "Call back and close missed calls"},
  };
  return catalog;
}

const std::vector<BuiltinRole>& builtin_roles() {
  static const std::vector<BuiltinRole> roles = [] {
    std::vector<std::string> all;
    for (const auto& permission : permission_catalog()) all.push_back(permission.code);
    return std::vector<BuiltinRole>{
        {"admin", "管理员", "系统管理：用户、角色、组织机构、平台配置", all},
        {"supervisor",
         "现场主管",
         "现场管理：监控坐席与队列、监听、报表",
         {"users.read",       "org.read",       "roles.read",    "sip.read",
          "calls.read",       "calls.numbers",  "calls.control", "recordings.read",
          "telephony.read",   "ivr.read",       "messages.read", "messages.handle",
          "survey.read",      "acd.read",       "agent.work",    "agents.read",
          "agents.supervise", "agents.monitor", "missed.read",   "missed.handle"}},
        {"team_leader",
         "班组长",
         "班组管理、知识审核、质检",
         {"users.read", "org.read", "calls.read", "recordings.read", "messages.read",
          "messages.handle", "survey.read", "acd.read", "agent.work", "agents.read",
          "agents.supervise", "missed.read", "missed.handle"}},
        {"agent",
         "坐席",
         "一线坐席：接听来电、工单、知识库",
         {"messages.read", "messages.handle", "agent.work", "missed.read", "missed.handle"}},
        {"department", "业务科室", "业务科室人员：办理并回复派发的工单", {}},
        {"auditor",
         "审计员",
         "查阅审计日志与访问记录",
         {"audit.read", "users.read", "org.read", "roles.read", "calls.read"}},
    };
  }();
  return roles;
}

bool is_known_permission(const std::string& code) {
  const auto& catalog = permission_catalog();
  return std::any_of(catalog.begin(), catalog.end(),
                     [&](const PermissionInfo& p) { return p.code == code; });
}

}  // namespace hotline::store
