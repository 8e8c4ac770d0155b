#include "store/missed_call_repository.hpp"

#include <soci/soci.h>

#include "store/one_row_update.hpp"
#include "store/query_params.hpp"
#include "store/soci_optional.hpp"

namespace hotline::store {

namespace {

std::vector<MissedCall> select_missed(soci::session& sql, const std::string& tail,
                                      QueryParams& params) {
  std::vector<MissedCall> rows;
  MissedCall m;
  long long id = 0, wait_ms = 0, occurred_at = 0, handled_by = 0, handled_at = 0;
  soci::indicator by_ind = soci::i_null, at_ind = soci::i_null;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(m.call_uuid));
  st.exchange(soci::into(m.number));
  st.exchange(soci::into(m.lost_in));
  st.exchange(soci::into(m.queue));
  st.exchange(soci::into(wait_ms));
  st.exchange(soci::into(occurred_at));
  st.exchange(soci::into(m.status));
  st.exchange(soci::into(handled_by, by_ind));
  st.exchange(soci::into(handled_at, at_ind));
  st.exchange(soci::into(m.note));
  params.bind(st);
  st.alloc();
  st.prepare(
      "SELECT id, call_uuid, number, lost_in, queue, wait_ms, occurred_at, status, "
      "handled_by, handled_at, note FROM missed_calls" +
      tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    m.id = id;
    m.wait_ms = wait_ms;
    m.occurred_at = occurred_at;
    m.handled_by = optional_column<Id>(handled_by, by_ind);
    m.handled_at = optional_column<EpochMs>(handled_at, at_ind);
    rows.push_back(m);
  }
  return rows;
}

bool known_status(const std::string& status) {
  return status == "open" || status == "in_progress" || status == "called_back" ||
         status == "closed";
}

}  // namespace

Result<Id> MissedCallRepository::create(const MissedCall& missed) {
  try {
    soci::session sql(db_.pool());
    long long id = 0, wait_ms = missed.wait_ms, occurred_at = missed.occurred_at;
    const long long now = now_ms();
    sql << "INSERT INTO missed_calls (call_uuid, number, lost_in, queue, wait_ms, occurred_at, "
           "status, note, created_at, updated_at) VALUES (:c, :n, :l, :q, :w, :o, :s, :note, :t, "
           ":t2) RETURNING id",
        soci::use(missed.call_uuid), soci::use(missed.number), soci::use(missed.lost_in),
        soci::use(missed.queue), soci::use(wait_ms), soci::use(occurred_at),
        soci::use(missed.status), soci::use(missed.note), soci::use(now), soci::use(now),
        soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<MissedCall>> MissedCallRepository::find(Id id) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    auto rows = select_missed(sql, " WHERE id = " + params.add(static_cast<long long>(id)), params);
    if (rows.empty()) return std::optional<MissedCall>{};
    return std::optional<MissedCall>{std::move(rows.front())};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<PageOf<MissedCall>> MissedCallRepository::query(const MissedCallFilter& filter,
                                                       const Page& page) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    std::string where = " WHERE 1 = 1";
    if (!filter.status.empty()) where += " AND status = " + params.add(filter.status);
    if (!filter.number.empty()) where += " AND number = " + params.add(filter.number);
    if (filter.from)
      where += " AND occurred_at >= " + params.add(static_cast<long long>(*filter.from));
    if (filter.to) where += " AND occurred_at < " + params.add(static_cast<long long>(*filter.to));
    PageOf<MissedCall> out;
    out.total = params.count(sql, "SELECT COUNT(*) FROM missed_calls" + where);
    std::string limit_offset;
    QueryParams page_params = params.paged(page.page, page.page_size, limit_offset);
    out.items = select_missed(sql, where + " ORDER BY occurred_at DESC, id DESC" + limit_offset,
                              page_params);
    return out;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status MissedCallRepository::update_status(Id id, const std::string& status,
                                           std::optional<Id> handled_by, const std::string& note) {
  if (!known_status(status))
    return Error{"invalid", "status must be open, in_progress, called_back or closed"};
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long wanted = id;
    OptionalParam<long long> by(handled_by);
    soci::statement st =
        (sql.prepare << "UPDATE missed_calls SET status = :s, handled_by = :h, handled_at = :ha, "
                        "note = :n, updated_at = :t WHERE id = :id",
         soci::use(status), soci::use(by.value, by.ind), soci::use(now), soci::use(note),
         soci::use(now), soci::use(wanted));
    return execute_on_one_row(st, "no such missed call");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
