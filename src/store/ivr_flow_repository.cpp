#include "store/ivr_flow_repository.hpp"

#include <soci/soci.h>

#include "store/json_text.hpp"
#include "store/one_row_update.hpp"
#include "store/query_params.hpp"
#include "store/soci_optional.hpp"

namespace hotline::store {

namespace {

const char* kFlowSelect =
    "SELECT id, name, description, draft, draft_updated_at, draft_updated_by, published_version, "
    "created_at, updated_at FROM ivr_flows";

const char* kVersionSelect =
    "SELECT v.id, v.flow_id, f.name, v.version, v.graph, v.published_by, v.published_at, v.note "
    "FROM ivr_flow_versions v JOIN ivr_flows f ON f.id = v.flow_id";

std::optional<Error> check_name(const std::string& name) {
  if (name.empty()) return Error{"invalid", "a flow needs a name"};
  return std::nullopt;
}

std::vector<IvrFlow> select_flows(soci::session& sql, const std::string& tail,
                                  QueryParams& params) {
  std::vector<IvrFlow> flows;
  IvrFlow f;
  long long id = 0, draft_updated_at = 0, draft_updated_by = 0, created_at = 0, updated_at = 0;
  int published_version = 0;
  soci::indicator by_ind = soci::i_null, version_ind = soci::i_null;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(f.name));
  st.exchange(soci::into(f.description));
  st.exchange(soci::into(f.draft));
  st.exchange(soci::into(draft_updated_at));
  st.exchange(soci::into(draft_updated_by, by_ind));
  st.exchange(soci::into(published_version, version_ind));
  st.exchange(soci::into(created_at));
  st.exchange(soci::into(updated_at));
  params.bind(st);
  st.alloc();
  st.prepare(kFlowSelect + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    f.id = id;
    f.draft_updated_at = draft_updated_at;
    f.draft_updated_by = optional_column<Id>(draft_updated_by, by_ind);
    f.published_version = optional_column<int>(published_version, version_ind);
    f.created_at = created_at;
    f.updated_at = updated_at;
    flows.push_back(f);
  }
  return flows;
}

std::vector<IvrFlowVersion> select_versions(soci::session& sql, const std::string& tail,
                                            QueryParams& params) {
  std::vector<IvrFlowVersion> versions;
  IvrFlowVersion v;
  long long id = 0, flow_id = 0, published_by = 0, published_at = 0;
  soci::indicator by_ind = soci::i_null;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(flow_id));
  st.exchange(soci::into(v.flow_name));
  st.exchange(soci::into(v.version));
  st.exchange(soci::into(v.graph));
  st.exchange(soci::into(published_by, by_ind));
  st.exchange(soci::into(published_at));
  st.exchange(soci::into(v.note));
  params.bind(st);
  st.alloc();
  st.prepare(kVersionSelect + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    v.id = id;
    v.flow_id = flow_id;
    v.published_by = optional_column<Id>(published_by, by_ind);
    v.published_at = published_at;
    versions.push_back(v);
  }
  return versions;
}

const char* kTestSelect =
    "SELECT t.flow_id, f.name, t.graph, t.published_by, t.published_at "
    "FROM ivr_flow_tests t JOIN ivr_flows f ON f.id = t.flow_id";

std::vector<IvrFlowTest> select_tests(soci::session& sql, const std::string& tail,
                                      QueryParams& params) {
  std::vector<IvrFlowTest> tests;
  IvrFlowTest t;
  long long flow_id = 0, published_by = 0, published_at = 0;
  soci::indicator by_ind = soci::i_null;
  soci::statement st(sql);
  st.exchange(soci::into(flow_id));
  st.exchange(soci::into(t.flow_name));
  st.exchange(soci::into(t.graph));
  st.exchange(soci::into(published_by, by_ind));
  st.exchange(soci::into(published_at));
  params.bind(st);
  st.alloc();
  st.prepare(kTestSelect + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    t.flow_id = flow_id;
    t.published_by = optional_column<Id>(published_by, by_ind);
    t.published_at = published_at;
    tests.push_back(t);
  }
  return tests;
}

// Inbound routes whose destination is this flow (they name it).
long long count_routes_to(soci::session& sql, long long flow_id) {
  long long routes = 0;
  sql << "SELECT COUNT(*) FROM inbound_routes r JOIN ivr_flows f ON f.name = r.destination "
         "WHERE r.destination_type = 'ivr' AND f.id = :id",
      soci::use(flow_id), soci::into(routes);
  return routes;
}

template <typename T>
std::optional<T> first_of(std::vector<T> items) {
  if (items.empty()) return std::nullopt;
  return std::move(items.front());
}

}  // namespace

Result<std::vector<IvrFlow>> IvrFlowRepository::list() {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return select_flows(sql, " ORDER BY name", params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<IvrFlow>> IvrFlowRepository::find(Id id) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return first_of(
        select_flows(sql, " WHERE id = " + params.add(static_cast<long long>(id)), params));
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<IvrFlow>> IvrFlowRepository::find_by_name(const std::string& name) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return first_of(select_flows(sql, " WHERE name = " + params.add(name), params));
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<Id> IvrFlowRepository::create(const IvrFlow& flow) {
  if (auto problem = check_name(flow.name)) return *problem;
  if (auto problem = check_json(flow.draft, "the flow's draft")) return *problem;
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = 0;
    OptionalParam<long long> by(flow.draft_updated_by);
    sql << "INSERT INTO ivr_flows (name, description, draft, draft_updated_at, draft_updated_by, "
           "created_at, updated_at) VALUES (:n, :d, :g, :t, :b, :t2, :t3) RETURNING id",
        soci::use(flow.name), soci::use(flow.description), soci::use(flow.draft), soci::use(now),
        soci::use(by.value, by.ind), soci::use(now), soci::use(now), soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status IvrFlowRepository::update_details(Id id, const std::string& name,
                                         const std::string& description) {
  if (auto problem = check_name(name)) return *problem;
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    const long long now = now_ms();
    long long wanted = id;
    std::string current;
    sql << "SELECT name FROM ivr_flows WHERE id = :id", soci::use(wanted), soci::into(current);
    if (!sql.got_data()) return Error{"not_found", "no such flow"};
    // Routes name their flow: a rename would silently cut the number off.
    if (current != name) {
      const long long routes = count_routes_to(sql, wanted);
      if (routes > 0)
        return Error{"conflict", "the flow is the destination of " + std::to_string(routes) +
                                     " inbound route(s): change them before renaming it"};
    }
    sql << "UPDATE ivr_flows SET name = :n, description = :d, updated_at = :t WHERE id = :id",
        soci::use(name), soci::use(description), soci::use(now), soci::use(wanted);
    tx.commit();
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status IvrFlowRepository::save_draft(Id id, const std::string& graph, std::optional<Id> by) {
  if (auto problem = check_json(graph, "the flow's draft")) return *problem;
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long wanted = id;
    OptionalParam<long long> user(by);
    soci::statement st = (sql.prepare << "UPDATE ivr_flows SET draft = :g, draft_updated_at = :t, "
                                         "draft_updated_by = :b, updated_at = :t2 WHERE id = :id",
                          soci::use(graph), soci::use(now), soci::use(user.value, user.ind),
                          soci::use(now), soci::use(wanted));
    return execute_on_one_row(st, "no such flow");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status IvrFlowRepository::remove(Id id) {
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    long long wanted = id;
    const long long routes = count_routes_to(sql, wanted);
    if (routes > 0)
      return Error{"conflict", "the flow is the destination of " + std::to_string(routes) +
                                   " inbound route(s): change them first"};
    soci::statement st = (sql.prepare << "DELETE FROM ivr_flows WHERE id = :id", soci::use(wanted));
    st.execute(true);
    if (st.get_affected_rows() == 0) return Error{"not_found", "no such flow"};
    tx.commit();
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<IvrFlowVersion> IvrFlowRepository::publish(Id flow_id, const std::string& graph,
                                                  std::optional<Id> by, const std::string& note) {
  if (auto problem = check_json(graph, "the published graph")) return *problem;
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    const long long now = now_ms();
    long long wanted = flow_id;
    // Writing the flow row first takes its lock (PostgreSQL) or the write lock (SQLite), so
    // two concurrent publishes of one flow number their versions one after the other.
    soci::statement touch = (sql.prepare << "UPDATE ivr_flows SET updated_at = :t WHERE id = :id",
                             soci::use(now), soci::use(wanted));
    touch.execute(true);
    if (touch.get_affected_rows() == 0) return Error{"not_found", "no such flow"};
    int newest = 0;
    soci::indicator newest_ind = soci::i_null;
    sql << "SELECT MAX(version) FROM ivr_flow_versions WHERE flow_id = :id", soci::use(wanted),
        soci::into(newest, newest_ind);
    const int next = (newest_ind == soci::i_ok ? newest : 0) + 1;
    OptionalParam<long long> user(by);
    long long version_id = 0;
    sql << "INSERT INTO ivr_flow_versions (flow_id, version, graph, published_by, published_at, "
           "note) VALUES (:f, :v, :g, :b, :t, :n) RETURNING id",
        soci::use(wanted), soci::use(next), soci::use(graph), soci::use(user.value, user.ind),
        soci::use(now), soci::use(note), soci::into(version_id);
    sql << "UPDATE ivr_flows SET published_version = :v WHERE id = :id", soci::use(next),
        soci::use(wanted);
    std::string name;
    sql << "SELECT name FROM ivr_flows WHERE id = :id", soci::use(wanted), soci::into(name);
    tx.commit();
    IvrFlowVersion published;
    published.id = version_id;
    published.flow_id = flow_id;
    published.flow_name = name;
    published.version = next;
    published.graph = graph;
    published.published_by = by;
    published.published_at = now;
    published.note = note;
    return published;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<IvrFlowVersion>> IvrFlowRepository::published(const std::string& flow_name) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return first_of(select_versions(
        sql, " WHERE f.name = " + params.add(flow_name) + " AND v.version = f.published_version",
        params));
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<IvrFlowVersion>> IvrFlowRepository::version(const std::string& flow_name,
                                                                 int version) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    const auto name = params.add(flow_name);
    const auto number = params.add(static_cast<long long>(version));
    return first_of(
        select_versions(sql, " WHERE f.name = " + name + " AND v.version = " + number, params));
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::vector<IvrFlowVersion>> IvrFlowRepository::versions(Id flow_id) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return select_versions(sql,
                           " WHERE v.flow_id = " + params.add(static_cast<long long>(flow_id)) +
                               " ORDER BY v.version DESC",
                           params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<IvrFlowTest> IvrFlowRepository::test_publish(Id flow_id, const std::string& graph,
                                                    std::optional<Id> by) {
  if (auto problem = check_json(graph, "the test graph")) return *problem;
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    const long long now = now_ms();
    long long wanted = flow_id;
    std::string name;
    sql << "SELECT name FROM ivr_flows WHERE id = :id", soci::use(wanted), soci::into(name);
    if (!sql.got_data()) return Error{"not_found", "no such flow"};
    OptionalParam<long long> user(by);
    // One row per flow: the next test-publish replaces it (the same statement on both).
    sql << "INSERT INTO ivr_flow_tests (flow_id, graph, published_by, published_at) "
           "VALUES (:f, :g, :b, :t) ON CONFLICT (flow_id) DO UPDATE SET graph = excluded.graph, "
           "published_by = excluded.published_by, published_at = excluded.published_at",
        soci::use(wanted), soci::use(graph), soci::use(user.value, user.ind), soci::use(now);
    tx.commit();
    IvrFlowTest test;
    test.flow_id = flow_id;
    test.flow_name = name;
    test.graph = graph;
    test.published_by = by;
    test.published_at = now;
    return test;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<IvrFlowTest>> IvrFlowRepository::test_version(Id flow_id) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return first_of(select_tests(
        sql, " WHERE t.flow_id = " + params.add(static_cast<long long>(flow_id)), params));
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::vector<IvrFlowTest>> IvrFlowRepository::test_versions() {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return select_tests(sql, " ORDER BY f.name", params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<bool> IvrFlowRepository::withdraw_test(Id flow_id) {
  try {
    soci::session sql(db_.pool());
    long long wanted = flow_id;
    soci::statement st =
        (sql.prepare << "DELETE FROM ivr_flow_tests WHERE flow_id = :id", soci::use(wanted));
    st.execute(true);
    return st.get_affected_rows() > 0;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
