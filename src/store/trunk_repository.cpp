#include "store/trunk_repository.hpp"
#include "store/one_row_update.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

namespace hotline::store {

namespace {

const char* kTrunkColumns =
    "id, name, kind, enabled, addresses, proxy, transport, numbers, caller_id, max_channels, "
    "username, password_sealed, register_expires, created_at, updated_at";

std::string to_json_text(const std::vector<std::string>& items) {
  return nlohmann::json(items).dump();
}

// A column that is not a JSON array of strings reads as empty rather than failing the row.
std::vector<std::string> from_json_text(const std::string& text) {
  std::vector<std::string> items;
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return items;
  for (const auto& item : parsed)
    if (item.is_string()) items.push_back(item.get<std::string>());
  return items;
}

std::optional<Error> check_trunk(const Trunk& trunk) {
  if (trunk.kind != "ip_peer" && trunk.kind != "registration")
    return Error{"invalid", "trunk kind must be ip_peer or registration"};
  if (trunk.transport != "udp" && trunk.transport != "tcp")
    return Error{"invalid", "trunk transport must be udp or tcp"};
  return std::nullopt;
}

// Receives one row of kTrunkColumns.
struct TrunkRow {
  long long id = 0, created_at = 0, updated_at = 0;
  std::string name, kind, addresses, proxy, transport, numbers, caller_id, username, sealed;
  int enabled = 0, max_channels = 0, register_expires = 0;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(name));
    st.exchange(soci::into(kind));
    st.exchange(soci::into(enabled));
    st.exchange(soci::into(addresses));
    st.exchange(soci::into(proxy));
    st.exchange(soci::into(transport));
    st.exchange(soci::into(numbers));
    st.exchange(soci::into(caller_id));
    st.exchange(soci::into(max_channels));
    st.exchange(soci::into(username));
    st.exchange(soci::into(sealed));
    st.exchange(soci::into(register_expires));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
  }

  Result<Trunk> to_trunk(const SecretBox& secrets) const {
    Trunk t;
    t.id = id;
    t.name = name;
    t.kind = kind;
    t.enabled = enabled != 0;
    t.addresses = from_json_text(addresses);
    t.proxy = proxy;
    t.transport = transport;
    t.numbers = from_json_text(numbers);
    t.caller_id = caller_id;
    t.max_channels = max_channels;
    t.username = username;
    if (!sealed.empty()) {
      auto password = secrets.decrypt(sealed);
      if (!password)
        return Error{"secret_invalid", "the password of trunk '" + name +
                                           "' cannot be decrypted: was the data directory's "
                                           "secret key replaced? Set the password again"};
      t.password = *password;
    }
    t.register_expires = register_expires;
    t.created_at = created_at;
    t.updated_at = updated_at;
    return t;
  }
};

Result<std::vector<Trunk>> select_trunks(soci::session& sql, const SecretBox& secrets,
                                         const std::string& tail, long long* id_param) {
  std::vector<Trunk> trunks;
  TrunkRow row;
  soci::statement st(sql);
  row.bind(st);
  if (id_param) st.exchange(soci::use(*id_param));
  st.alloc();
  st.prepare(std::string("SELECT ") + kTrunkColumns + " FROM trunks" + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    auto trunk = row.to_trunk(secrets);
    if (!trunk) return trunk.error();
    trunks.push_back(std::move(*trunk));
  }
  return trunks;
}

}  // namespace

Result<std::vector<Trunk>> TrunkRepository::list() {
  try {
    soci::session sql(db_.pool());
    return select_trunks(sql, secrets_, " ORDER BY name", nullptr);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<Trunk>> TrunkRepository::find(Id id) {
  try {
    soci::session sql(db_.pool());
    long long wanted = id;
    auto trunks = select_trunks(sql, secrets_, " WHERE id = :id", &wanted);
    if (!trunks) return trunks.error();
    if (trunks->empty()) return std::optional<Trunk>{};
    return std::optional<Trunk>{std::move(trunks->front())};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<Id> TrunkRepository::create(const Trunk& trunk) {
  if (auto problem = check_trunk(trunk)) return *problem;
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = 0;
    int enabled = trunk.enabled ? 1 : 0;
    const std::string addresses = to_json_text(trunk.addresses);
    const std::string numbers = to_json_text(trunk.numbers);
    const std::string sealed = trunk.password.empty() ? "" : secrets_.encrypt(trunk.password);
    sql << "INSERT INTO trunks (name, kind, enabled, addresses, proxy, transport, numbers, "
           "caller_id, max_channels, username, password_sealed, register_expires, created_at, "
           "updated_at) VALUES (:n, :k, :e, :a, :p, :tr, :nu, :c, :m, :u, :pw, :r, :t, :t2) "
           "RETURNING id",
        soci::use(trunk.name), soci::use(trunk.kind), soci::use(enabled), soci::use(addresses),
        soci::use(trunk.proxy), soci::use(trunk.transport), soci::use(numbers),
        soci::use(trunk.caller_id), soci::use(trunk.max_channels), soci::use(trunk.username),
        soci::use(sealed), soci::use(trunk.register_expires), soci::use(now), soci::use(now),
        soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status TrunkRepository::update(const Trunk& trunk) {
  if (auto problem = check_trunk(trunk)) return *problem;
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = trunk.id;
    int enabled = trunk.enabled ? 1 : 0;
    const std::string addresses = to_json_text(trunk.addresses);
    const std::string numbers = to_json_text(trunk.numbers);
    // An empty password keeps the stored one: the browser never has it to send back.
    const bool new_password = !trunk.password.empty();
    const std::string sealed = new_password ? secrets_.encrypt(trunk.password) : "";
    soci::statement st(sql);
    st.exchange(soci::use(trunk.name, "n"));
    st.exchange(soci::use(trunk.kind, "k"));
    st.exchange(soci::use(enabled, "e"));
    st.exchange(soci::use(addresses, "a"));
    st.exchange(soci::use(trunk.proxy, "p"));
    st.exchange(soci::use(trunk.transport, "tr"));
    st.exchange(soci::use(numbers, "nu"));
    st.exchange(soci::use(trunk.caller_id, "c"));
    st.exchange(soci::use(trunk.max_channels, "m"));
    st.exchange(soci::use(trunk.username, "u"));
    if (new_password) st.exchange(soci::use(sealed, "pw"));
    st.exchange(soci::use(trunk.register_expires, "r"));
    st.exchange(soci::use(now, "t"));
    st.exchange(soci::use(id, "id"));
    st.alloc();
    st.prepare(std::string("UPDATE trunks SET name = :n, kind = :k, enabled = :e, addresses = :a, "
                           "proxy = :p, transport = :tr, numbers = :nu, caller_id = :c, "
                           "max_channels = :m, username = :u, ") +
               (new_password ? "password_sealed = :pw, " : "") +
               "register_expires = :r, updated_at = :t WHERE id = :id");
    st.define_and_bind();
    return execute_on_one_row(st, "no such trunk");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status TrunkRepository::remove(Id id) {
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    long long wanted = id, rules = 0;
    sql << "SELECT COUNT(*) FROM outbound_rules WHERE trunk_id = :id", soci::use(wanted),
        soci::into(rules);
    if (rules > 0)
      return Error{"conflict", "the trunk is used by " + std::to_string(rules) +
                                   " outbound rule(s): change or delete them first"};
    soci::statement st = (sql.prepare << "DELETE FROM trunks WHERE id = :id", soci::use(wanted));
    st.execute(true);
    if (st.get_affected_rows() == 0) return Error{"not_found", "no such trunk"};
    tx.commit();
    return ok_status();
  } catch (const std::exception& e) {
    // A rule added between the count and the delete: the foreign key still refuses it.
    auto error = database_error(e);
    if (error.code == "constraint") error.code = "conflict";
    return error;
  }
}

}  // namespace hotline::store
