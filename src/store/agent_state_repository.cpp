#include "store/agent_state_repository.hpp"

#include <soci/soci.h>

#include "store/query_params.hpp"
#include "store/soci_optional.hpp"

namespace hotline::store {

Result<std::vector<AgentStateRecord>> AgentStateRepository::load() {
  try {
    soci::session sql(db_.pool());
    std::vector<AgentStateRecord> states;
    AgentStateRecord r;
    long long user_id = 0, since = 0, logged_in_at = 0;
    soci::indicator logged_in_ind = soci::i_null;
    soci::statement st =
        (sql.prepare << "SELECT user_id, state, reason, since, call_uuid, logged_in_at FROM "
                        "agent_states ORDER BY user_id",
         soci::into(user_id), soci::into(r.state), soci::into(r.reason), soci::into(since),
         soci::into(r.call_uuid), soci::into(logged_in_at, logged_in_ind));
    st.execute(false);
    while (st.fetch()) {
      r.user_id = user_id;
      r.since = since;
      r.logged_in_at = optional_column<EpochMs>(logged_in_at, logged_in_ind);
      states.push_back(r);
    }
    return states;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status AgentStateRepository::record(const AgentStateRecord& state, const AgentEvent& event) {
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    long long user_id = state.user_id, since = state.since, at = event.at,
              previous_ms = event.previous_ms, event_user = event.user_id;
    const long long now = now_ms();
    OptionalParam<long long> logged_in(state.logged_in_at);
    OptionalParam<long long> by(event.by_user);
    sql << "INSERT INTO agent_states (user_id, state, reason, since, call_uuid, logged_in_at, "
           "updated_at) VALUES (:u, :s, :r, :si, :c, :l, :t) ON CONFLICT (user_id) DO UPDATE SET "
           "state = excluded.state, reason = excluded.reason, since = excluded.since, "
           "call_uuid = excluded.call_uuid, logged_in_at = excluded.logged_in_at, "
           "updated_at = excluded.updated_at",
        soci::use(user_id), soci::use(state.state), soci::use(state.reason), soci::use(since),
        soci::use(state.call_uuid), soci::use(logged_in.value, logged_in.ind), soci::use(now);
    sql << "INSERT INTO agent_events (user_id, state, previous, reason, call_uuid, previous_ms, "
           "by_user, at) VALUES (:u, :s, :p, :r, :c, :pm, :b, :a)",
        soci::use(event_user), soci::use(event.state), soci::use(event.previous),
        soci::use(event.reason), soci::use(event.call_uuid), soci::use(previous_ms),
        soci::use(by.value, by.ind), soci::use(at);
    tx.commit();
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<PageOf<AgentEvent>> AgentStateRepository::events(const AgentEventFilter& filter,
                                                        const Page& page) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    std::string where = " WHERE 1 = 1";
    if (filter.user_id)
      where += " AND user_id = " + params.add(static_cast<long long>(*filter.user_id));
    if (filter.from) where += " AND at >= " + params.add(static_cast<long long>(*filter.from));
    if (filter.to) where += " AND at < " + params.add(static_cast<long long>(*filter.to));
    PageOf<AgentEvent> out;
    out.total = params.count(sql, "SELECT COUNT(*) FROM agent_events" + where);
    std::string limit_offset;
    QueryParams page_params = params.paged(page.page, page.page_size, limit_offset);
    AgentEvent e;
    long long id = 0, user_id = 0, previous_ms = 0, by_user = 0, at = 0;
    soci::indicator by_ind = soci::i_null;
    soci::statement st(sql);
    st.exchange(soci::into(id));
    st.exchange(soci::into(user_id));
    st.exchange(soci::into(e.state));
    st.exchange(soci::into(e.previous));
    st.exchange(soci::into(e.reason));
    st.exchange(soci::into(e.call_uuid));
    st.exchange(soci::into(previous_ms));
    st.exchange(soci::into(by_user, by_ind));
    st.exchange(soci::into(at));
    page_params.bind(st);
    st.alloc();
    st.prepare(
        "SELECT id, user_id, state, previous, reason, call_uuid, previous_ms, by_user, at "
        "FROM agent_events" +
        where + " ORDER BY at, id" + limit_offset);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      e.id = id;
      e.user_id = user_id;
      e.previous_ms = previous_ms;
      e.by_user = optional_column<Id>(by_user, by_ind);
      e.at = at;
      out.items.push_back(e);
    }
    return out;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
