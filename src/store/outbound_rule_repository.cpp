#include "store/outbound_rule_repository.hpp"
#include "store/one_row_update.hpp"

#include <soci/soci.h>

namespace hotline::store {

namespace {

const char* kRuleSelect =
    "SELECT r.id, r.name, r.pattern, r.trunk_id, t.name, r.strip_digits, r.prepend, r.priority, "
    "r.enabled, r.created_at, r.updated_at FROM outbound_rules r "
    "JOIN trunks t ON t.id = r.trunk_id";

std::vector<OutboundRule> select_rules(soci::session& sql, const std::string& tail,
                                       long long* id_param) {
  std::vector<OutboundRule> rules;
  long long id = 0, trunk_id = 0, created_at = 0, updated_at = 0;
  int strip_digits = 0, priority = 0, enabled = 0;
  std::string name, pattern, trunk_name, prepend;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(name));
  st.exchange(soci::into(pattern));
  st.exchange(soci::into(trunk_id));
  st.exchange(soci::into(trunk_name));
  st.exchange(soci::into(strip_digits));
  st.exchange(soci::into(prepend));
  st.exchange(soci::into(priority));
  st.exchange(soci::into(enabled));
  st.exchange(soci::into(created_at));
  st.exchange(soci::into(updated_at));
  if (id_param) st.exchange(soci::use(*id_param));
  st.alloc();
  st.prepare(kRuleSelect + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    OutboundRule r;
    r.id = id;
    r.name = name;
    r.pattern = pattern;
    r.trunk_id = trunk_id;
    r.trunk_name = trunk_name;
    r.strip_digits = strip_digits;
    r.prepend = prepend;
    r.priority = priority;
    r.enabled = enabled != 0;
    r.created_at = created_at;
    r.updated_at = updated_at;
    rules.push_back(std::move(r));
  }
  return rules;
}

// Checked before writing so that the error is "invalid" on both databases, not a dialect's
// foreign-key message.
std::optional<Error> check_trunk_exists(soci::session& sql, Id trunk_id) {
  long long wanted = trunk_id, count = 0;
  sql << "SELECT COUNT(*) FROM trunks WHERE id = :id", soci::use(wanted), soci::into(count);
  if (count == 0) return Error{"invalid", "trunk " + std::to_string(trunk_id) + " does not exist"};
  return std::nullopt;
}

Error rule_write_error(const std::exception& e) {
  auto error = database_error(e);
  if (error.code == "constraint") error = {"invalid", "the trunk does not exist"};
  return error;
}

}  // namespace

Result<std::vector<OutboundRule>> OutboundRuleRepository::list() {
  try {
    soci::session sql(db_.pool());
    return select_rules(sql, " ORDER BY r.priority, r.id", nullptr);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<OutboundRule>> OutboundRuleRepository::find(Id id) {
  try {
    soci::session sql(db_.pool());
    long long wanted = id;
    auto rules = select_rules(sql, " WHERE r.id = :id", &wanted);
    if (rules.empty()) return std::optional<OutboundRule>{};
    return std::optional<OutboundRule>{std::move(rules.front())};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<Id> OutboundRuleRepository::create(const OutboundRule& rule) {
  try {
    soci::session sql(db_.pool());
    if (auto problem = check_trunk_exists(sql, rule.trunk_id)) return *problem;
    const long long now = now_ms();
    long long id = 0, trunk_id = rule.trunk_id;
    int enabled = rule.enabled ? 1 : 0;
    sql << "INSERT INTO outbound_rules (name, pattern, trunk_id, strip_digits, prepend, priority, "
           "enabled, created_at, updated_at) VALUES (:n, :p, :tr, :s, :pre, :pri, :e, :t, :t2) "
           "RETURNING id",
        soci::use(rule.name), soci::use(rule.pattern), soci::use(trunk_id),
        soci::use(rule.strip_digits), soci::use(rule.prepend), soci::use(rule.priority),
        soci::use(enabled), soci::use(now), soci::use(now), soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return rule_write_error(e);
  }
}

Status OutboundRuleRepository::update(const OutboundRule& rule) {
  try {
    soci::session sql(db_.pool());
    if (auto problem = check_trunk_exists(sql, rule.trunk_id)) return *problem;
    const long long now = now_ms();
    long long id = rule.id, trunk_id = rule.trunk_id;
    int enabled = rule.enabled ? 1 : 0;
    soci::statement st =
        (sql.prepare << "UPDATE outbound_rules SET name = :n, pattern = :p, trunk_id = :tr, "
                        "strip_digits = :s, prepend = :pre, priority = :pri, enabled = :e, "
                        "updated_at = :t WHERE id = :id",
         soci::use(rule.name), soci::use(rule.pattern), soci::use(trunk_id),
         soci::use(rule.strip_digits), soci::use(rule.prepend), soci::use(rule.priority),
         soci::use(enabled), soci::use(now), soci::use(id));
    return execute_on_one_row(st, "no such outbound rule");
  } catch (const std::exception& e) {
    return rule_write_error(e);
  }
}

Status OutboundRuleRepository::remove(Id id) {
  try {
    soci::session sql(db_.pool());
    long long wanted = id;
    soci::statement st =
        (sql.prepare << "DELETE FROM outbound_rules WHERE id = :id", soci::use(wanted));
    return execute_on_one_row(st, "no such outbound rule");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
