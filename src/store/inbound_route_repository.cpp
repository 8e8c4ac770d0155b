#include "store/inbound_route_repository.hpp"
#include "store/one_row_update.hpp"

#include <soci/soci.h>

namespace hotline::store {

namespace {

const char* kRouteSelect =
    "SELECT id, number, destination_type, destination, record, enabled, description, "
    "created_at, updated_at FROM inbound_routes";

std::vector<InboundRoute> select_routes(soci::session& sql, const std::string& tail,
                                        long long* id_param) {
  std::vector<InboundRoute> routes;
  long long id = 0, created_at = 0, updated_at = 0;
  int record = 0, enabled = 0;
  std::string number, destination_type, destination, description;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(number));
  st.exchange(soci::into(destination_type));
  st.exchange(soci::into(destination));
  st.exchange(soci::into(record));
  st.exchange(soci::into(enabled));
  st.exchange(soci::into(description));
  st.exchange(soci::into(created_at));
  st.exchange(soci::into(updated_at));
  if (id_param) st.exchange(soci::use(*id_param));
  st.alloc();
  st.prepare(kRouteSelect + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    InboundRoute r;
    r.id = id;
    r.number = number;
    r.destination_type = destination_type;
    r.destination = destination;
    r.record = record != 0;
    r.enabled = enabled != 0;
    r.description = description;
    r.created_at = created_at;
    r.updated_at = updated_at;
    routes.push_back(std::move(r));
  }
  return routes;
}

}  // namespace

Result<std::vector<InboundRoute>> InboundRouteRepository::list() {
  try {
    soci::session sql(db_.pool());
    return select_routes(sql, " ORDER BY number", nullptr);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<InboundRoute>> InboundRouteRepository::find(Id id) {
  try {
    soci::session sql(db_.pool());
    long long wanted = id;
    auto routes = select_routes(sql, " WHERE id = :id", &wanted);
    if (routes.empty()) return std::optional<InboundRoute>{};
    return std::optional<InboundRoute>{std::move(routes.front())};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<Id> InboundRouteRepository::create(const InboundRoute& route) {
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = 0;
    int record = route.record ? 1 : 0, enabled = route.enabled ? 1 : 0;
    sql << "INSERT INTO inbound_routes (number, destination_type, destination, record, enabled, "
           "description, created_at, updated_at) VALUES (:n, :dt, :d, :r, :e, :desc, :t, :t2) "
           "RETURNING id",
        soci::use(route.number), soci::use(route.destination_type), soci::use(route.destination),
        soci::use(record), soci::use(enabled), soci::use(route.description), soci::use(now),
        soci::use(now), soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status InboundRouteRepository::update(const InboundRoute& route) {
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = route.id;
    int record = route.record ? 1 : 0, enabled = route.enabled ? 1 : 0;
    soci::statement st =
        (sql.prepare << "UPDATE inbound_routes SET number = :n, destination_type = :dt, "
                        "destination = :d, record = :r, enabled = :e, description = :desc, "
                        "updated_at = :t WHERE id = :id",
         soci::use(route.number), soci::use(route.destination_type), soci::use(route.destination),
         soci::use(record), soci::use(enabled), soci::use(route.description), soci::use(now),
         soci::use(id));
    return execute_on_one_row(st, "no such inbound route");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status InboundRouteRepository::remove(Id id) {
  try {
    soci::session sql(db_.pool());
    long long wanted = id;
    soci::statement st =
        (sql.prepare << "DELETE FROM inbound_routes WHERE id = :id", soci::use(wanted));
    return execute_on_one_row(st, "no such inbound route");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
