#include "store/self_service_repository.hpp"

#include <soci/soci.h>

#include "store/json_text.hpp"
#include "store/query_params.hpp"

namespace hotline::store {

namespace {

const char* kRecordSelect =
    "SELECT id, data_source_id, lookup_key, id_sealed, fields, updated_at "
    "FROM self_service_records";

std::vector<SelfServiceRecord> select_records(soci::session& sql, const std::string& tail,
                                              QueryParams& params) {
  std::vector<SelfServiceRecord> records;
  SelfServiceRecord r;
  long long id = 0, source_id = 0, updated_at = 0;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(source_id));
  st.exchange(soci::into(r.lookup_key));
  st.exchange(soci::into(r.id_sealed));
  st.exchange(soci::into(r.fields));
  st.exchange(soci::into(updated_at));
  params.bind(st);
  st.alloc();
  st.prepare(kRecordSelect + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    r.id = id;
    r.data_source_id = source_id;
    r.updated_at = updated_at;
    records.push_back(r);
  }
  return records;
}

Error at_row(std::size_t index, Error error) {
  error.message = "row " + std::to_string(index + 1) + ": " + error.message;
  return error;
}

}  // namespace

Result<std::optional<SelfServiceRecord>> SelfServiceRepository::lookup(
    Id data_source_id, const std::string& lookup_key) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    const auto source = params.add(static_cast<long long>(data_source_id));
    const auto key = params.add(lookup_key);
    auto records = select_records(
        sql, " WHERE data_source_id = " + source + " AND lookup_key = " + key, params);
    if (records.empty()) return std::optional<SelfServiceRecord>{};
    return std::optional<SelfServiceRecord>{std::move(records.front())};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::int64_t> SelfServiceRepository::upsert_many(
    Id data_source_id, const std::vector<SelfServiceRecord>& rows) {
  return write(data_source_id, rows, false);
}

Result<std::int64_t> SelfServiceRepository::replace_all(
    Id data_source_id, const std::vector<SelfServiceRecord>& rows) {
  return write(data_source_id, rows, true);
}

Result<std::int64_t> SelfServiceRepository::write(Id data_source_id,
                                                  const std::vector<SelfServiceRecord>& rows,
                                                  bool replace) {
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (auto problem = check_json_object(rows[i].fields, "fields")) return at_row(i, *problem);
  std::optional<std::size_t> current_row;  // names the row a database error belongs to
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    long long source_id = data_source_id;
    std::string kind;
    soci::indicator kind_ind = soci::i_null;
    sql << "SELECT kind FROM data_sources WHERE id = :id", soci::use(source_id),
        soci::into(kind, kind_ind);
    if (!sql.got_data()) return Error{"not_found", "no such data source"};
    if (kind != "table")
      return Error{"invalid", "only a data source of kind table holds imported rows"};
    if (replace)
      sql << "DELETE FROM self_service_records WHERE data_source_id = :id", soci::use(source_id);
    const long long now = now_ms();
    std::string key, sealed, fields;
    soci::statement insert =
        (sql.prepare << "INSERT INTO self_service_records (data_source_id, lookup_key, id_sealed, "
                        "fields, updated_at) VALUES (:s, :k, :i, :f, :t) "
                        "ON CONFLICT (data_source_id, lookup_key) DO UPDATE SET "
                        "id_sealed = excluded.id_sealed, fields = excluded.fields, "
                        "updated_at = excluded.updated_at",
         soci::use(source_id), soci::use(key), soci::use(sealed), soci::use(fields),
         soci::use(now));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      current_row = i;
      key = rows[i].lookup_key;
      sealed = rows[i].id_sealed;
      fields = rows[i].fields;
      insert.execute(true);
    }
    current_row.reset();
    tx.commit();
    return static_cast<std::int64_t>(rows.size());
  } catch (const std::exception& e) {
    auto error = database_error(e);
    return current_row ? at_row(*current_row, error) : error;
  }
}

Result<std::int64_t> SelfServiceRepository::count(Id data_source_id) {
  try {
    soci::session sql(db_.pool());
    long long source_id = data_source_id, total = 0;
    sql << "SELECT COUNT(*) FROM self_service_records WHERE data_source_id = :id",
        soci::use(source_id), soci::into(total);
    return static_cast<std::int64_t>(total);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<PageOf<SelfServiceRecord>> SelfServiceRepository::list(Id data_source_id, const Page& page) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    const std::string where =
        " WHERE data_source_id = " + params.add(static_cast<long long>(data_source_id));
    PageOf<SelfServiceRecord> out;
    out.total = params.count(sql, "SELECT COUNT(*) FROM self_service_records" + where);
    std::string limit_offset;
    QueryParams page_params = params.paged(page.page, page.page_size, limit_offset);
    out.items = select_records(sql, where + " ORDER BY id" + limit_offset, page_params);
    return out;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::int64_t> SelfServiceRepository::remove_all(Id data_source_id) {
  try {
    soci::session sql(db_.pool());
    long long source_id = data_source_id;
    soci::statement st =
        (sql.prepare << "DELETE FROM self_service_records WHERE data_source_id = :id",
         soci::use(source_id));
    st.execute(true);
    return static_cast<std::int64_t>(st.get_affected_rows());
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
