#include "app/demo_data.hpp"

#include <map>

#include "api/password_hasher.hpp"
#include "store/org_unit_repository.hpp"
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

}  // namespace

Result<bool> load_demo_data(store::Database& db) {
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

}  // namespace hotline::app
