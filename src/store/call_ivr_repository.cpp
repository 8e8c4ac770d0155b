#include "store/call_ivr_repository.hpp"

#include <soci/soci.h>

#include "store/json_text.hpp"
#include "store/soci_optional.hpp"

namespace hotline::store {

namespace {

std::optional<Error> check_record(const CallIvr& record) {
  if (record.flow.empty()) return Error{"invalid", "the call's IVR record needs the flow name"};
  if (record.outcome.empty()) return Error{"invalid", "the call's IVR record needs an outcome"};
  return check_json(record.path, "the IVR path");
}

}  // namespace

Status CallIvrRepository::upsert(const CallIvr& record) {
  if (auto problem = check_record(record)) return *problem;
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long call_id = record.call_id;
    int self_served = record.self_served ? 1 : 0;
    OptionalParam<int> version(record.flow_version);
    sql << "INSERT INTO call_ivr (call_id, flow, flow_version, path, outcome, self_served, "
           "id_sealed, created_at, updated_at) VALUES (:c, :f, :v, :p, :o, :s, :i, :t, :t2) "
           "ON CONFLICT (call_id) DO UPDATE SET flow = excluded.flow, "
           "flow_version = excluded.flow_version, path = excluded.path, "
           "outcome = excluded.outcome, self_served = excluded.self_served, "
           "id_sealed = excluded.id_sealed, updated_at = excluded.updated_at",
        soci::use(call_id), soci::use(record.flow), soci::use(version.value, version.ind),
        soci::use(record.path), soci::use(record.outcome), soci::use(self_served),
        soci::use(record.id_sealed), soci::use(now), soci::use(now);
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<CallIvr>> CallIvrRepository::find(Id call_id) {
  try {
    soci::session sql(db_.pool());
    long long wanted = call_id, created_at = 0, updated_at = 0;
    int flow_version = 0, self_served = 0;
    soci::indicator version_ind = soci::i_null;
    CallIvr r;
    sql << "SELECT flow, flow_version, path, outcome, self_served, id_sealed, created_at, "
           "updated_at FROM call_ivr WHERE call_id = :c",
        soci::use(wanted), soci::into(r.flow), soci::into(flow_version, version_ind),
        soci::into(r.path), soci::into(r.outcome), soci::into(self_served), soci::into(r.id_sealed),
        soci::into(created_at), soci::into(updated_at);
    if (!sql.got_data()) return std::optional<CallIvr>{};
    r.call_id = call_id;
    r.flow_version = optional_column<int>(flow_version, version_ind);
    r.self_served = self_served != 0;
    r.created_at = created_at;
    r.updated_at = updated_at;
    return std::optional<CallIvr>{std::move(r)};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::vector<IvrOutcomeCount>> CallIvrRepository::count_outcomes(EpochMs from, EpochMs to) {
  try {
    soci::session sql(db_.pool());
    long long start = from, end = to, calls = 0, self_served = 0;
    std::vector<IvrOutcomeCount> counts;
    IvrOutcomeCount count;
    soci::statement st =
        (sql.prepare << "SELECT i.outcome, COUNT(*), SUM(i.self_served) FROM call_ivr i "
                        "JOIN calls c ON c.id = i.call_id "
                        "WHERE c.offered_at >= :f AND c.offered_at < :t "
                        "GROUP BY i.outcome ORDER BY i.outcome",
         soci::use(start), soci::use(end), soci::into(count.outcome), soci::into(calls),
         soci::into(self_served));
    st.execute(false);
    while (st.fetch()) {
      count.calls = calls;
      count.self_served = self_served;
      counts.push_back(count);
    }
    return counts;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
