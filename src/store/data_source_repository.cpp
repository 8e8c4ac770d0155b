#include "store/data_source_repository.hpp"

#include <soci/soci.h>

#include "store/json_text.hpp"
#include "store/one_row_update.hpp"
#include "store/query_params.hpp"

namespace hotline::store {

namespace {

const char* kSourceSelect =
    "SELECT id, name, kind, config, enabled, created_at, updated_at FROM data_sources";

std::optional<Error> check_source(const DataSource& source) {
  if (source.name.empty()) return Error{"invalid", "a data source needs a name"};
  if (source.kind != "table" && source.kind != "http")
    return Error{"invalid", "data source kind must be table or http"};
  return check_json_object(source.config, "the data source's config");
}

std::vector<DataSource> select_sources(soci::session& sql, const std::string& tail,
                                       QueryParams& params) {
  std::vector<DataSource> sources;
  DataSource s;
  long long id = 0, created_at = 0, updated_at = 0;
  int enabled = 0;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(s.name));
  st.exchange(soci::into(s.kind));
  st.exchange(soci::into(s.config));
  st.exchange(soci::into(enabled));
  st.exchange(soci::into(created_at));
  st.exchange(soci::into(updated_at));
  params.bind(st);
  st.alloc();
  st.prepare(kSourceSelect + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    s.id = id;
    s.enabled = enabled != 0;
    s.created_at = created_at;
    s.updated_at = updated_at;
    sources.push_back(s);
  }
  return sources;
}

Result<std::optional<DataSource>> first_source(soci::session& sql, const std::string& tail,
                                               QueryParams& params) {
  auto sources = select_sources(sql, tail, params);
  if (sources.empty()) return std::optional<DataSource>{};
  return std::optional<DataSource>{std::move(sources.front())};
}

}  // namespace

Result<std::vector<DataSource>> DataSourceRepository::list() {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return select_sources(sql, " ORDER BY name", params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<DataSource>> DataSourceRepository::find(Id id) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return first_source(sql, " WHERE id = " + params.add(static_cast<long long>(id)), params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<DataSource>> DataSourceRepository::find_by_name(const std::string& name) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return first_source(sql, " WHERE name = " + params.add(name), params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<Id> DataSourceRepository::create(const DataSource& source) {
  if (auto problem = check_source(source)) return *problem;
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = 0;
    int enabled = source.enabled ? 1 : 0;
    sql << "INSERT INTO data_sources (name, kind, config, enabled, created_at, updated_at) "
           "VALUES (:n, :k, :c, :e, :t, :t2) RETURNING id",
        soci::use(source.name), soci::use(source.kind), soci::use(source.config),
        soci::use(enabled), soci::use(now), soci::use(now), soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status DataSourceRepository::update(const DataSource& source) {
  if (auto problem = check_source(source)) return *problem;
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = source.id;
    int enabled = source.enabled ? 1 : 0;
    soci::statement st =
        (sql.prepare << "UPDATE data_sources SET name = :n, kind = :k, config = :c, "
                        "enabled = :e, updated_at = :t WHERE id = :id",
         soci::use(source.name), soci::use(source.kind), soci::use(source.config),
         soci::use(enabled), soci::use(now), soci::use(id));
    return execute_on_one_row(st, "no such data source");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status DataSourceRepository::remove(Id id) {
  try {
    soci::session sql(db_.pool());
    long long wanted = id;
    soci::statement st =
        (sql.prepare << "DELETE FROM data_sources WHERE id = :id", soci::use(wanted));
    return execute_on_one_row(st, "no such data source");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
