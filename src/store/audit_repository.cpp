#include "store/audit_repository.hpp"

#include <soci/soci.h>

#include "store/query_params.hpp"

namespace hotline::store {

Result<Id> AuditRepository::append(const AuditEntry& entry) {
  try {
    soci::session sql(db_.pool());
    long long at = entry.at, actor = entry.actor_id.value_or(0), id = 0;
    soci::indicator actor_ind = entry.actor_id ? soci::i_ok : soci::i_null;
    std::string actor_name = entry.actor_username.value_or("");
    soci::indicator actor_name_ind = entry.actor_username ? soci::i_ok : soci::i_null;
    std::string target_type = entry.target_type.value_or("");
    soci::indicator target_type_ind = entry.target_type ? soci::i_ok : soci::i_null;
    std::string target_id = entry.target_id.value_or("");
    soci::indicator target_id_ind = entry.target_id ? soci::i_ok : soci::i_null;
    int success = entry.success ? 1 : 0;
    sql << "INSERT INTO audit_log (at, actor_id, actor_username, source_ip, action, target_type, "
           "target_id, success, detail) VALUES (:at, :a, :an, :ip, :act, :tt, :ti, :s, :d) "
           "RETURNING id",
        soci::use(at), soci::use(actor, actor_ind), soci::use(actor_name, actor_name_ind),
        soci::use(entry.source_ip), soci::use(entry.action),
        soci::use(target_type, target_type_ind), soci::use(target_id, target_id_ind),
        soci::use(success), soci::use(entry.detail_json), soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<PageOf<AuditEntry>> AuditRepository::query(const AuditFilter& filter, const Page& page) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    std::string where = " WHERE 1 = 1";
    if (filter.actor) where += " AND actor_username = " + params.add(*filter.actor);
    if (filter.action) {
      if (!filter.action->empty() && filter.action->back() == '*')
        where += " AND action LIKE " +
                 params.add(filter.action->substr(0, filter.action->size() - 1) + "%");
      else
        where += " AND action = " + params.add(*filter.action);
    }
    if (filter.target_type) where += " AND target_type = " + params.add(*filter.target_type);
    if (filter.target_id) where += " AND target_id = " + params.add(*filter.target_id);
    if (filter.success) where += *filter.success ? " AND success = 1" : " AND success = 0";
    if (filter.from) where += " AND at >= " + params.add(static_cast<long long>(*filter.from));
    if (filter.to) where += " AND at < " + params.add(static_cast<long long>(*filter.to));

    PageOf<AuditEntry> out;
    out.total = params.count(sql, "SELECT COUNT(*) FROM audit_log" + where);
    std::string limit_offset;
    QueryParams page_params = params.paged(page.page, page.page_size, limit_offset);
    long long id = 0, at = 0, actor = 0;
    int success = 0;
    std::string actor_name, ip, action, target_type, target_id, detail;
    soci::indicator actor_ind, actor_name_ind, target_type_ind, target_id_ind;
    soci::statement st(sql);
    st.exchange(soci::into(id));
    st.exchange(soci::into(at));
    st.exchange(soci::into(actor, actor_ind));
    st.exchange(soci::into(actor_name, actor_name_ind));
    st.exchange(soci::into(ip));
    st.exchange(soci::into(action));
    st.exchange(soci::into(target_type, target_type_ind));
    st.exchange(soci::into(target_id, target_id_ind));
    st.exchange(soci::into(success));
    st.exchange(soci::into(detail));
    page_params.bind(st);
    st.alloc();
    st.prepare(
        "SELECT id, at, actor_id, actor_username, source_ip, action, target_type, target_id, "
        "success, detail FROM audit_log" +
        where + " ORDER BY id DESC" + limit_offset);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      AuditEntry e;
      e.id = id;
      e.at = at;
      if (actor_ind == soci::i_ok) e.actor_id = actor;
      if (actor_name_ind == soci::i_ok) e.actor_username = actor_name;
      e.source_ip = ip;
      e.action = action;
      if (target_type_ind == soci::i_ok) e.target_type = target_type;
      if (target_id_ind == soci::i_ok) e.target_id = target_id;
      e.success = success != 0;
      e.detail_json = detail;
      out.items.push_back(std::move(e));
    }
    return out;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
