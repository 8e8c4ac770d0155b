#include "store/callback_repository.hpp"

#include <soci/soci.h>

#include "store/one_row_update.hpp"
#include "store/query_params.hpp"
#include "store/soci_optional.hpp"

namespace hotline::store {

namespace {

std::vector<Callback> select_callbacks(soci::session& sql, const std::string& tail,
                                       QueryParams& params) {
  std::vector<Callback> rows;
  Callback c;
  long long id = 0, place_at = 0, agent_id = 0, created_at = 0, updated_at = 0;
  int attempts = 0;
  soci::indicator agent_ind = soci::i_null;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(c.call_uuid));
  st.exchange(soci::into(c.queue));
  st.exchange(soci::into(c.number));
  st.exchange(soci::into(c.status));
  st.exchange(soci::into(place_at));
  st.exchange(soci::into(attempts));
  st.exchange(soci::into(agent_id, agent_ind));
  st.exchange(soci::into(c.outcome));
  st.exchange(soci::into(c.callback_call_uuid));
  st.exchange(soci::into(created_at));
  st.exchange(soci::into(updated_at));
  params.bind(st);
  st.alloc();
  st.prepare(
      "SELECT id, call_uuid, queue, number, status, place_at, attempts, agent_id, outcome, "
      "callback_call_uuid, created_at, updated_at FROM callbacks" +
      tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    c.id = id;
    c.place_at = place_at;
    c.attempts = attempts;
    c.agent_id = optional_column<Id>(agent_id, agent_ind);
    c.created_at = created_at;
    c.updated_at = updated_at;
    rows.push_back(c);
  }
  return rows;
}

}  // namespace

Result<Id> CallbackRepository::create(const Callback& callback) {
  try {
    soci::session sql(db_.pool());
    long long id = 0, place_at = callback.place_at;
    const long long now = now_ms();
    sql << "INSERT INTO callbacks (call_uuid, queue, number, status, place_at, created_at, "
           "updated_at) VALUES (:c, :q, :n, :s, :p, :t, :t2) RETURNING id",
        soci::use(callback.call_uuid), soci::use(callback.queue), soci::use(callback.number),
        soci::use(callback.status), soci::use(place_at), soci::use(now), soci::use(now),
        soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<Callback>> CallbackRepository::find(Id id) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    auto rows =
        select_callbacks(sql, " WHERE id = " + params.add(static_cast<long long>(id)), params);
    if (rows.empty()) return std::optional<Callback>{};
    return std::optional<Callback>{std::move(rows.front())};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::vector<Callback>> CallbackRepository::open() {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return select_callbacks(sql, " WHERE status IN ('waiting', 'dialling') ORDER BY place_at, id",
                            params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status CallbackRepository::dialling(Id id, std::optional<Id> agent_id,
                                    const std::string& callback_call_uuid) {
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long wanted = id;
    OptionalParam<long long> agent(agent_id);
    soci::statement st =
        (sql.prepare << "UPDATE callbacks SET status = 'dialling', attempts = attempts + 1, "
                        "agent_id = :a, callback_call_uuid = :u, updated_at = :t WHERE id = :id",
         soci::use(agent.value, agent.ind), soci::use(callback_call_uuid), soci::use(now),
         soci::use(wanted));
    return execute_on_one_row(st, "no such callback");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status CallbackRepository::taken_by(Id id, Id agent_id) {
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long wanted = id, agent = agent_id;
    soci::statement st = (sql.prepare << "UPDATE callbacks SET agent_id = :a, updated_at = :t "
                                         "WHERE id = :id",
                          soci::use(agent), soci::use(now), soci::use(wanted));
    return execute_on_one_row(st, "no such callback");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status CallbackRepository::finish(Id id, const std::string& status, const std::string& outcome) {
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long wanted = id;
    soci::statement st = (sql.prepare << "UPDATE callbacks SET status = :s, outcome = :o, "
                                         "updated_at = :t WHERE id = :id",
                          soci::use(status), soci::use(outcome), soci::use(now), soci::use(wanted));
    return execute_on_one_row(st, "no such callback");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
