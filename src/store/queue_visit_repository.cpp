#include "store/queue_visit_repository.hpp"

#include <soci/soci.h>

#include <set>

#include "store/one_row_update.hpp"
#include "store/soci_optional.hpp"

namespace hotline::store {

namespace {

std::vector<QueueVisit> select_visits(soci::session& sql, const std::string& where,
                                      const std::string& text, long long number) {
  std::vector<QueueVisit> visits;
  QueueVisit v;
  long long id = 0, entered_at = 0, left_at = 0, agent_id = 0, wait_ms = 0;
  soci::indicator left_ind = soci::i_null, outcome_ind = soci::i_null, agent_ind = soci::i_null;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(v.call_uuid));
  st.exchange(soci::into(v.queue));
  st.exchange(soci::into(v.caller));
  st.exchange(soci::into(v.priority));
  st.exchange(soci::into(entered_at));
  st.exchange(soci::into(left_at, left_ind));
  st.exchange(soci::into(v.outcome, outcome_ind));
  st.exchange(soci::into(agent_id, agent_ind));
  st.exchange(soci::into(wait_ms));
  st.exchange(soci::into(v.offers));
  if (!text.empty())
    st.exchange(soci::use(text));
  else
    st.exchange(soci::use(number));
  st.alloc();
  st.prepare(
      "SELECT id, call_uuid, queue, caller, priority, entered_at, left_at, outcome, "
      "agent_id, wait_ms, offers FROM queue_calls" +
      where + " ORDER BY entered_at, id");
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    v.id = id;
    v.entered_at = entered_at;
    v.left_at = optional_column<EpochMs>(left_at, left_ind);
    if (outcome_ind != soci::i_ok) v.outcome.clear();
    v.agent_id = optional_column<Id>(agent_id, agent_ind);
    v.wait_ms = wait_ms;
    visits.push_back(v);
  }
  return visits;
}

}  // namespace

Result<Id> QueueVisitRepository::enter(const QueueVisit& visit) {
  try {
    soci::session sql(db_.pool());
    long long id = 0, entered_at = visit.entered_at;
    sql << "INSERT INTO queue_calls (call_uuid, queue, caller, priority, entered_at) VALUES "
           "(:c, :q, :from, :p, :e) RETURNING id",
        soci::use(visit.call_uuid), soci::use(visit.queue), soci::use(visit.caller),
        soci::use(visit.priority), soci::use(entered_at), soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status QueueVisitRepository::leave(Id id, EpochMs left_at, const std::string& outcome,
                                   std::optional<Id> agent_id, EpochMs wait_ms, int offers) {
  static const std::set<std::string> kOutcomes = {"answered", "abandoned", "overflow",
                                                  "callback", "message",   "failed"};
  if (!kOutcomes.contains(outcome)) return Error{"invalid", "unknown queue outcome " + outcome};
  try {
    soci::session sql(db_.pool());
    long long wanted = id, left = left_at, wait = wait_ms;
    OptionalParam<long long> agent(agent_id);
    soci::statement st =
        (sql.prepare << "UPDATE queue_calls SET left_at = :l, outcome = :o, agent_id = :a, "
                        "wait_ms = :w, offers = :n WHERE id = :id",
         soci::use(left), soci::use(outcome), soci::use(agent.value, agent.ind), soci::use(wait),
         soci::use(offers), soci::use(wanted));
    return execute_on_one_row(st, "no such queue visit");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::vector<QueueVisit>> QueueVisitRepository::entered_since(EpochMs since) {
  try {
    soci::session sql(db_.pool());
    return select_visits(sql, " WHERE entered_at >= :since", "", since);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<int> QueueVisitRepository::close_open(EpochMs now) {
  try {
    soci::session sql(db_.pool());
    long long left = now;
    soci::statement st =
        (sql.prepare << "UPDATE queue_calls SET left_at = :l, outcome = "
                        "'failed', wait_ms = :l2 - entered_at WHERE outcome IS NULL",
         soci::use(left), soci::use(left));
    st.execute(true);
    return static_cast<int>(st.get_affected_rows());
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::vector<QueueVisit>> QueueVisitRepository::of_call(const std::string& call_uuid) {
  try {
    soci::session sql(db_.pool());
    return select_visits(sql, " WHERE call_uuid = :uuid", call_uuid, 0);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
