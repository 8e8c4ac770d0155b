#include "app/demo_data.hpp"

#include <map>
#include <set>
#include <utility>

#include "api/password_hasher.hpp"
#include "common/clock.hpp"
#include "ivr/demo_flow.hpp"
#include "ivr/id_number.hpp"
#include "ivr/table_source.hpp"
#include "ivr/working_calendar.hpp"
#include "sip/digest.hpp"
#include "store/calendar_repository.hpp"
#include "store/data_source_repository.hpp"
#include "store/inbound_route_repository.hpp"
#include "store/ivr_flow_repository.hpp"
#include "store/org_unit_repository.hpp"
#include "store/outbound_rule_repository.hpp"
#include "store/queue_repository.hpp"
#include "store/self_service_repository.hpp"
#include "store/sip_credential_repository.hpp"
#include "store/trunk_repository.hpp"
#include "store/user_repository.hpp"

namespace hotline::app {

namespace {

struct DemoUser {
  const char* username;
  const char* display_name;
  const char* unit;
  const char* role;
  const char* extension;  // nullptr: none
};

// The demo carrier (the contract has two trunks of 30 channels) with the public number
// 84038437 answered by the IVR's "main" flow, and a direct line 84038438 to agent1's phone.
Result<bool> load_demo_telephony(store::Database& db, const SecretBox& secrets) {
  store::TrunkRepository trunks(db, secrets);
  store::InboundRouteRepository routes(db);
  store::OutboundRuleRepository rules(db);
  auto existing_trunks = trunks.list();
  if (!existing_trunks) return existing_trunks.error();
  auto existing_routes = routes.list();
  if (!existing_routes) return existing_routes.error();
  auto existing_rules = rules.list();
  if (!existing_rules) return existing_rules.error();
  if (!existing_trunks->empty() || !existing_routes->empty() || !existing_rules->empty())
    return false;

  store::Id carrier_id = 0;
  for (const auto& [name, address] :
       {std::pair{"demo-carrier", "127.0.0.2"}, std::pair{"demo-carrier-b", "127.0.0.3"}}) {
    store::Trunk trunk;
    trunk.name = name;
    trunk.kind = "ip_peer";
    trunk.addresses = {address};
    trunk.proxy = std::string(address) + ":5060";
    trunk.numbers = {"84038437", "84038438"};
    trunk.caller_id = "84038437";
    trunk.max_channels = 30;
    auto id = trunks.create(trunk);
    if (!id) return id.error();
    if (carrier_id == 0) carrier_id = *id;
  }

  store::InboundRoute route;
  route.number = "84038437";
  route.destination_type = "ivr";
  route.destination = "main";
  route.record = true;
  route.description = "市民服务热线（语音导航）";
  if (auto id = routes.create(route); !id) return id.error();
  store::InboundRoute direct;
  direct.number = "84038438";
  direct.destination_type = "extension";
  direct.destination = "1001";
  direct.record = true;
  direct.description = "值班直线（直达 1001）";
  if (auto id = routes.create(direct); !id) return id.error();

  const struct {
    const char *name, *pattern;
    int priority;
  } demo_rules[] = {{"手机", "1[3-9]XXXXXXXXX", 10}, {"本地固话", "[2-8]XXXXXXX", 20}};
  for (const auto& r : demo_rules) {
    store::OutboundRule rule;
    rule.name = r.name;
    rule.pattern = r.pattern;
    rule.trunk_id = carrier_id;
    rule.priority = r.priority;
    if (auto id = rules.create(rule); !id) return id.error();
  }
  return true;
}

// Demo agents' and the supervisor's phones register with the demo password too.
Result<bool> load_demo_sip_passwords(store::Database& db, const std::string& realm) {
  static const std::set<std::string> kExtensions = {"1001", "1002", "1003", "1004", "1005", "1900"};
  store::UserRepository users(db);
  store::SipCredentialRepository credentials(db);
  auto with_password = credentials.extensions_with_password();
  if (!with_password) return with_password.error();
  const std::set<std::string> done(with_password->begin(), with_password->end());
  bool added = false;
  for (int page = 1;; ++page) {
    auto listed = users.list({}, {page, 200});
    if (!listed) return listed.error();
    for (const auto& user : listed->items) {
      if (!user.is_demo || !user.extension || !kExtensions.count(*user.extension) ||
          done.count(*user.extension))
        continue;
      store::SipCredential credential;
      credential.user_id = user.id;
      credential.extension = *user.extension;
      credential.realm = realm;
      credential.ha1_md5 =
          sip::compute_ha1(sip::DigestAlgorithm::Md5, *user.extension, realm, kDemoPassword);
      credential.ha1_sha256 =
          sip::compute_ha1(sip::DigestAlgorithm::Sha256, *user.extension, realm, kDemoPassword);
      credential.updated_at = now_ms();
      if (auto set = credentials.set(credential); !set) return set.error();
      added = true;
    }
    if (listed->items.size() < 200) break;
  }
  return added;
}

Result<bool> load_demo_users(store::Database& db) {
  store::UserRepository users(db);
  auto count = users.count();
  if (!count) return count.error();
  if (*count > 0) return false;

  store::OrgUnitRepository units(db);
  std::map<std::string, store::Id> unit_ids;
  auto add_unit = [&](const char* key, const char* name, const char* kind, const char* parent,
                      int order) -> Status {
    store::OrgUnit unit;
    unit.name = name;
    unit.kind = kind;
    unit.sort_order = order;
    if (parent) unit.parent_id = unit_ids.at(parent);
    auto created = units.create(unit);
    if (!created) return created.error();
    unit_ids[key] = created->id;
    return ok_status();
  };
  const struct {
    const char *key, *name, *kind, *parent;
  } demo_units[] = {
      {"centre", "12333热线服务中心", "centre", nullptr},
      {"team1", "话务一班", "team", "centre"},
      {"team2", "话务二班", "team", "centre"},
      {"qa", "质检培训组", "team", "centre"},
      {"bureau", "区人力资源和社会保障局", "department", nullptr},
      {"pension", "社会保险科", "department", "bureau"},
      {"medical", "医疗保险科", "department", "bureau"},
      {"employment", "就业促进科", "department", "bureau"},
  };
  int order = 0;
  for (const auto& u : demo_units)
    if (auto added = add_unit(u.key, u.name, u.kind, u.parent, ++order); !added)
      return added.error();

  const DemoUser demo_users[] = {
      {"admin", "系统管理员", "centre", "admin", nullptr},
      {"supervisor1", "王主管", "centre", "supervisor", "1900"},
      {"leader1", "李班长", "team1", "team_leader", "1901"},
      {"agent1", "张晓燕", "team1", "agent", "1001"},
      {"agent2", "陈静", "team1", "agent", "1002"},
      {"agent3", "刘洋", "team1", "agent", "1003"},
      {"agent4", "赵敏", "team2", "agent", "1004"},
      {"agent5", "孙磊", "team2", "agent", "1005"},
      {"dept1", "周科员", "pension", "department", nullptr},
      {"auditor1", "吴审计", "centre", "auditor", nullptr},
  };
  for (const auto& d : demo_users) {
    auto hash = api::hash_password(kDemoPassword);
    if (!hash) return hash.error();
    store::NewUser user;
    user.username = d.username;
    user.display_name = d.display_name;
    user.password_hash = *hash;
    user.org_unit_id = unit_ids.at(d.unit);
    user.roles = {d.role};
    if (d.extension) user.extension = d.extension;
    user.is_demo = true;
    if (auto created = users.create(user); !created) return created.error();
  }
  return true;
}

}  // namespace

// The IVR's demo set when no flow exists yet: the bureau's flow "main" and the survey, both
// published; the calendar "default", open around the clock so the demo always reaches agents
// (docs/ivr_support.md gives a real site's default); the self-service table "card_progress"
// with a few demo ID numbers.
Result<bool> load_demo_ivr(store::Database& db, const SecretBox& secrets) {
  store::IvrFlowRepository flows(db);
  auto existing = flows.list();
  if (!existing) return existing.error();
  if (!existing->empty()) return false;

  store::CalendarRepository calendars(db);
  if (auto found = calendars.find_by_name("default"); !found) {
    return found.error();
  } else if (!*found) {
    store::IvrCalendar calendar;
    calendar.name = "default";
    calendar.description = "演示：全天开放（正式上线请改为办公时间并导入节假日）";
    calendar.definition = ivr::WorkingCalendar::always_open().to_json().dump();
    if (auto id = calendars.create(calendar); !id) return id.error();
  }

  for (const auto& [graph, description] :
       {std::pair{ivr::bureau_demo_flow(), "市民服务热线主流程"},
        std::pair{ivr::bureau_survey_flow(), "坐席先挂机后的满意度评价"}}) {
    store::IvrFlow flow;
    flow.name = graph.at("name").get<std::string>();
    flow.description = description;
    flow.draft = graph.dump();
    auto id = flows.create(flow);
    if (!id) return id.error();
    if (auto published = flows.publish(*id, flow.draft, std::nullopt, "演示数据"); !published)
      return published.error();
  }

  store::DataSourceRepository sources(db);
  store::DataSource source;
  source.name = "card_progress";
  source.kind = "table";
  source.config = R"({"key_param":"id_number"})";
  auto source_id = sources.create(source);
  if (!source_id) return source_id.error();
  const struct {
    const char *first17, *status, *expected_date;
  } demo_rows[] = {{"11010519491231002", "正在制作中", "2026-12-12"},
                   {"44030619900101123", "已制作完成，可到经办网点领取", "2026-12-01"},
                   {"32010219851120456", "已受理，正在审核", "2026-12-20"}};
  std::vector<store::SelfServiceRecord> rows;
  for (const auto& row : demo_rows) {
    const std::string id = std::string(row.first17) + ivr::id_number_check_character(row.first17);
    store::SelfServiceRecord record;
    record.lookup_key = ivr::table_lookup_key(secrets, id);
    record.id_sealed = secrets.encrypt(id);
    record.fields =
        nlohmann::json{{"status", row.status}, {"expected_date", row.expected_date}}.dump();
    rows.push_back(std::move(record));
  }
  if (auto written = store::SelfServiceRepository(db).upsert_many(*source_id, rows); !written)
    return written.error();
  return true;
}

// The ACD's demo set when no queue exists yet: the three queues the demo flow names, each served
// by every demo agent (longest idle first), and the usual not-ready reasons.
Result<bool> load_demo_acd(store::Database& db) {
  store::QueueRepository queues(db);
  auto existing = queues.list();
  if (!existing) return existing.error();
  if (!existing->empty()) return false;
  auto users = store::UserRepository(db).list(
      {std::nullopt, std::nullopt, std::string("agent"), std::string("active")}, {1, 200});
  if (!users) return users.error();
  std::vector<store::QueueMember> members;
  for (const auto& user : users->items)
    if (user.is_demo && user.extension) members.push_back({user.id, "", "", "", 1, 5});
  const struct {
    const char *name, *display_name;
  } demo_queues[] = {{"social_insurance", "社会保险咨询"},
                     {"medical_insurance", "医疗保险咨询"},
                     {"general", "综合咨询"}};
  for (const auto& q : demo_queues) {
    store::Queue queue;
    queue.name = q.name;
    queue.display_name = q.display_name;
    auto id = queues.create(queue);
    if (!id) return id.error();
    if (auto set = queues.set_members(*id, members); !set) return set.error();
  }
  int order = 0;
  for (const char* reason : {"小休", "用餐", "会议", "培训", "整理工单"})
    if (auto id = queues.create_reason({0, reason, ++order, true}); !id) return id.error();
  return true;
}

Result<bool> load_demo_data(store::Database& db, const SecretBox& secrets,
                            const std::string& sip_realm) {
  auto users_loaded = load_demo_users(db);
  if (!users_loaded) return users_loaded.error();
  auto demo_users = store::UserRepository(db).count_demo_users();
  if (!demo_users) return demo_users.error();
  if (*demo_users == 0) return *users_loaded;  // a real site: never add demo telephony
  auto telephony_loaded = load_demo_telephony(db, secrets);
  if (!telephony_loaded) return telephony_loaded.error();
  auto sip_loaded = load_demo_sip_passwords(db, sip_realm);
  if (!sip_loaded) return sip_loaded.error();
  auto ivr_loaded = load_demo_ivr(db, secrets);
  if (!ivr_loaded) return ivr_loaded.error();
  auto acd_loaded = load_demo_acd(db);
  if (!acd_loaded) return acd_loaded.error();
  return *users_loaded || *telephony_loaded || *sip_loaded || *ivr_loaded || *acd_loaded;
}

}  // namespace hotline::app
