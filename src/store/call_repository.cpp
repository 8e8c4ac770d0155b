#include "store/call_repository.hpp"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "store/one_row_update.hpp"
#include "store/query_params.hpp"

namespace hotline::store {

namespace {

const char* kCallColumns =
    "id, uuid, direction, caller, callee, did, trunk_id, trunk_name, route, answered_by, "
    "offered_at, ringing_at, answered_at, ended_at, disposition, cause, hangup_side, "
    "recording_id, caller_loss_percent, caller_jitter_ms, callee_loss_percent, callee_jitter_ms, "
    "legs_json";

template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

template <typename T>
std::optional<T> optional_field(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return std::nullopt;
  return found->get<T>();
}

// Legs keep their epoch-millisecond times: this is storage, not the API's view.
std::string legs_to_json(const std::vector<CallLegRecord>& legs) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& leg : legs)
    array.push_back({{"role", leg.role},
                     {"party", leg.party},
                     {"kind", leg.kind},
                     {"contact", leg.contact},
                     {"sip_call_id", leg.sip_call_id},
                     {"started_at", leg.started_at},
                     {"answered_at", or_null(leg.answered_at)},
                     {"ended_at", or_null(leg.ended_at)},
                     {"final_status", leg.final_status},
                     {"loss_percent", or_null(leg.loss_percent)},
                     {"jitter_ms", or_null(leg.jitter_ms)}});
  return array.dump();
}

// Unreadable legs_json yields no legs rather than losing the whole record.
std::vector<CallLegRecord> legs_from_json(const std::string& text) {
  std::vector<CallLegRecord> legs;
  const auto array = nlohmann::json::parse(text, nullptr, false);
  if (!array.is_array()) return legs;
  for (const auto& item : array) {
    if (!item.is_object()) continue;
    try {
      CallLegRecord leg;
      leg.role = item.value("role", "");
      leg.party = item.value("party", "");
      leg.kind = item.value("kind", "");
      leg.contact = item.value("contact", "");
      leg.sip_call_id = item.value("sip_call_id", "");
      leg.started_at = item.value("started_at", EpochMs{0});
      leg.answered_at = optional_field<EpochMs>(item, "answered_at");
      leg.ended_at = optional_field<EpochMs>(item, "ended_at");
      leg.final_status = item.value("final_status", 0);
      leg.loss_percent = optional_field<double>(item, "loss_percent");
      leg.jitter_ms = optional_field<double>(item, "jitter_ms");
      legs.push_back(std::move(leg));
    } catch (const nlohmann::json::exception&) {
      // A field of the wrong type: skip that leg.
    }
  }
  return legs;
}

// Values of a record bound as statement parameters (optional ones with indicators).
struct CallParams {
  long long trunk_id = 0, ringing_at = 0, answered_at = 0, ended_at = 0, recording_id = 0;
  double caller_loss = 0, caller_jitter = 0, callee_loss = 0, callee_jitter = 0;
  soci::indicator trunk_ind, ringing_ind, answered_ind, ended_ind, recording_ind, caller_loss_ind,
      caller_jitter_ind, callee_loss_ind, callee_jitter_ind;
  long long offered_at = 0, id = 0;
  std::string legs;

  explicit CallParams(const CallRecord& c)
      : trunk_ind(set(trunk_id, c.trunk_id)),
        ringing_ind(set(ringing_at, c.ringing_at)),
        answered_ind(set(answered_at, c.answered_at)),
        ended_ind(set(ended_at, c.ended_at)),
        recording_ind(set(recording_id, c.recording_id)),
        caller_loss_ind(set(caller_loss, c.caller_loss_percent)),
        caller_jitter_ind(set(caller_jitter, c.caller_jitter_ms)),
        callee_loss_ind(set(callee_loss, c.callee_loss_percent)),
        callee_jitter_ind(set(callee_jitter, c.callee_jitter_ms)),
        offered_at(c.offered_at),
        id(c.id),
        legs(legs_to_json(c.legs)) {}

  template <typename T, typename U>
  static soci::indicator set(T& target, const std::optional<U>& value) {
    if (!value) return soci::i_null;
    target = static_cast<T>(*value);
    return soci::i_ok;
  }
};

// Receives one row of kCallColumns.
struct CallRow {
  long long id = 0, trunk_id = 0, offered_at = 0, ringing_at = 0, answered_at = 0, ended_at = 0,
            recording_id = 0;
  std::string uuid, direction, caller, callee, did, trunk_name, route, answered_by, disposition,
      cause, hangup_side, legs;
  double caller_loss = 0, caller_jitter = 0, callee_loss = 0, callee_jitter = 0;
  soci::indicator trunk_ind = soci::i_null, ringing_ind = soci::i_null, answered_ind = soci::i_null,
                  ended_ind = soci::i_null, recording_ind = soci::i_null,
                  caller_loss_ind = soci::i_null, caller_jitter_ind = soci::i_null,
                  callee_loss_ind = soci::i_null, callee_jitter_ind = soci::i_null;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(uuid));
    st.exchange(soci::into(direction));
    st.exchange(soci::into(caller));
    st.exchange(soci::into(callee));
    st.exchange(soci::into(did));
    st.exchange(soci::into(trunk_id, trunk_ind));
    st.exchange(soci::into(trunk_name));
    st.exchange(soci::into(route));
    st.exchange(soci::into(answered_by));
    st.exchange(soci::into(offered_at));
    st.exchange(soci::into(ringing_at, ringing_ind));
    st.exchange(soci::into(answered_at, answered_ind));
    st.exchange(soci::into(ended_at, ended_ind));
    st.exchange(soci::into(disposition));
    st.exchange(soci::into(cause));
    st.exchange(soci::into(hangup_side));
    st.exchange(soci::into(recording_id, recording_ind));
    st.exchange(soci::into(caller_loss, caller_loss_ind));
    st.exchange(soci::into(caller_jitter, caller_jitter_ind));
    st.exchange(soci::into(callee_loss, callee_loss_ind));
    st.exchange(soci::into(callee_jitter, callee_jitter_ind));
    st.exchange(soci::into(legs));
  }

  template <typename T, typename U>
  static std::optional<T> get(const U& value, soci::indicator ind) {
    if (ind != soci::i_ok) return std::nullopt;
    return static_cast<T>(value);
  }

  CallRecord to_call() const {
    CallRecord c;
    c.id = id;
    c.uuid = uuid;
    c.direction = direction;
    c.caller = caller;
    c.callee = callee;
    c.did = did;
    c.trunk_id = get<Id>(trunk_id, trunk_ind);
    c.trunk_name = trunk_name;
    c.route = route;
    c.answered_by = answered_by;
    c.offered_at = offered_at;
    c.ringing_at = get<EpochMs>(ringing_at, ringing_ind);
    c.answered_at = get<EpochMs>(answered_at, answered_ind);
    c.ended_at = get<EpochMs>(ended_at, ended_ind);
    c.disposition = disposition;
    c.cause = cause;
    c.hangup_side = hangup_side;
    c.recording_id = get<Id>(recording_id, recording_ind);
    c.caller_loss_percent = get<double>(caller_loss, caller_loss_ind);
    c.caller_jitter_ms = get<double>(caller_jitter, caller_jitter_ind);
    c.callee_loss_percent = get<double>(callee_loss, callee_loss_ind);
    c.callee_jitter_ms = get<double>(callee_jitter, callee_jitter_ind);
    c.legs = legs_from_json(legs);
    return c;
  }
};

std::vector<CallRecord> select_calls(soci::session& sql, const std::string& tail,
                                     QueryParams& params) {
  std::vector<CallRecord> calls;
  CallRow row;
  soci::statement st(sql);
  row.bind(st);
  params.bind(st);
  st.alloc();
  st.prepare(std::string("SELECT ") + kCallColumns + " FROM calls" + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) calls.push_back(row.to_call());
  return calls;
}

std::optional<CallRecord> select_one(soci::session& sql, const std::string& where,
                                     QueryParams& params) {
  auto calls = select_calls(sql, " WHERE " + where, params);
  if (calls.empty()) return std::nullopt;
  return std::move(calls.front());
}

}  // namespace

Result<Id> CallRepository::create(const CallRecord& call) {
  try {
    SessionScope scope(db_, shared_);
    auto& sql = *scope;
    CallParams p(call);
    long long id = 0;
    sql << "INSERT INTO calls (uuid, direction, caller, callee, did, trunk_id, trunk_name, route, "
           "answered_by, offered_at, ringing_at, answered_at, ended_at, disposition, cause, "
           "hangup_side, recording_id, caller_loss_percent, caller_jitter_ms, "
           "callee_loss_percent, callee_jitter_ms, legs_json) VALUES (:uuid, :dir, :caller, "
           ":callee, :did, :trunk, :trunk_name, :route, :answered_by, :offered, :ringing, "
           ":answered, :ended, :disposition, :cause, :side, :recording, :cl, :cj, :el, :ej, "
           ":legs) RETURNING id",
        soci::use(call.uuid), soci::use(call.direction), soci::use(call.caller),
        soci::use(call.callee), soci::use(call.did), soci::use(p.trunk_id, p.trunk_ind),
        soci::use(call.trunk_name), soci::use(call.route), soci::use(call.answered_by),
        soci::use(p.offered_at), soci::use(p.ringing_at, p.ringing_ind),
        soci::use(p.answered_at, p.answered_ind), soci::use(p.ended_at, p.ended_ind),
        soci::use(call.disposition), soci::use(call.cause), soci::use(call.hangup_side),
        soci::use(p.recording_id, p.recording_ind), soci::use(p.caller_loss, p.caller_loss_ind),
        soci::use(p.caller_jitter, p.caller_jitter_ind),
        soci::use(p.callee_loss, p.callee_loss_ind),
        soci::use(p.callee_jitter, p.callee_jitter_ind), soci::use(p.legs), soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status CallRepository::update(const CallRecord& call) {
  try {
    SessionScope scope(db_, shared_);
    auto& sql = *scope;
    CallParams p(call);
    soci::statement st =
        (sql.prepare << "UPDATE calls SET caller = :caller, callee = :callee, did = :did, "
                        "trunk_id = :trunk, trunk_name = :trunk_name, route = :route, "
                        "answered_by = :answered_by, ringing_at = :ringing, "
                        "answered_at = :answered, ended_at = :ended, disposition = :disposition, "
                        "cause = :cause, hangup_side = :side, recording_id = :recording, "
                        "caller_loss_percent = :cl, caller_jitter_ms = :cj, "
                        "callee_loss_percent = :el, callee_jitter_ms = :ej, legs_json = :legs "
                        "WHERE id = :id",
         soci::use(call.caller), soci::use(call.callee), soci::use(call.did),
         soci::use(p.trunk_id, p.trunk_ind), soci::use(call.trunk_name), soci::use(call.route),
         soci::use(call.answered_by), soci::use(p.ringing_at, p.ringing_ind),
         soci::use(p.answered_at, p.answered_ind), soci::use(p.ended_at, p.ended_ind),
         soci::use(call.disposition), soci::use(call.cause), soci::use(call.hangup_side),
         soci::use(p.recording_id, p.recording_ind), soci::use(p.caller_loss, p.caller_loss_ind),
         soci::use(p.caller_jitter, p.caller_jitter_ind),
         soci::use(p.callee_loss, p.callee_loss_ind),
         soci::use(p.callee_jitter, p.callee_jitter_ind), soci::use(p.legs), soci::use(p.id));
    return execute_on_one_row(st, "no such call");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<CallRecord>> CallRepository::find(Id id) {
  try {
    SessionScope scope(db_, shared_);
    auto& sql = *scope;
    QueryParams params;
    return select_one(sql, "id = " + params.add(static_cast<long long>(id)), params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<CallRecord>> CallRepository::find_by_uuid(const std::string& uuid) {
  try {
    SessionScope scope(db_, shared_);
    auto& sql = *scope;
    QueryParams params;
    return select_one(sql, "uuid = " + params.add(uuid), params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<PageOf<CallRecord>> CallRepository::query(const CallFilter& filter, const Page& page) {
  try {
    SessionScope scope(db_, shared_);
    auto& sql = *scope;
    QueryParams params;
    std::string where = " WHERE 1 = 1";
    if (filter.from)
      where += " AND offered_at >= " + params.add(static_cast<long long>(*filter.from));
    if (filter.to) where += " AND offered_at < " + params.add(static_cast<long long>(*filter.to));
    if (filter.number && !filter.number->empty()) {
      const auto p = params.add(like_contains(*filter.number));
      where += " AND (caller LIKE " + p + " ESCAPE '\\' OR callee LIKE " + p +
               " ESCAPE '\\' OR did LIKE " + p + " ESCAPE '\\')";
    }
    // An extension takes part as the one who answered, as the caller or callee of an internal
    // or outbound call, or as a leg's party (rung but missed). Legs are JSON text written by
    // legs_to_json, so the party appears exactly as "party":"<extension>".
    if (filter.extension && !filter.extension->empty()) {
      const auto p = params.add(*filter.extension);
      const auto party =
          params.add(like_contains("\"party\":" + nlohmann::json(*filter.extension).dump()));
      where += " AND (answered_by = " + p + " OR caller = " + p + " OR callee = " + p +
               " OR legs_json LIKE " + party + " ESCAPE '\\')";
    }
    if (filter.disposition) where += " AND disposition = " + params.add(*filter.disposition);
    if (filter.direction) where += " AND direction = " + params.add(*filter.direction);

    PageOf<CallRecord> out;
    out.total = params.count(sql, "SELECT COUNT(*) FROM calls" + where);
    std::string limit_offset;
    QueryParams page_params = params.paged(page.page, page.page_size, limit_offset);
    out.items =
        select_calls(sql, where + " ORDER BY offered_at DESC, id DESC" + limit_offset, page_params);
    return out;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<int> CallRepository::close_abandoned(EpochMs now) {
  try {
    SessionScope scope(db_, shared_);
    auto& sql = *scope;
    long long at = now;
    soci::statement st =
        (sql.prepare << "UPDATE calls SET disposition = 'failed', cause = 'daemon_restart', "
                        "hangup_side = 'system', ended_at = :t WHERE disposition = 'active'",
         soci::use(at));
    st.execute(true);
    return static_cast<int>(st.get_affected_rows());
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<Id> CallRepository::append_event(const CallEvent& event) {
  try {
    SessionScope scope(db_, shared_);
    auto& sql = *scope;
    long long call_id = event.call_id, at = event.at, id = 0;
    sql << "INSERT INTO call_events (call_id, at, type, detail_json) VALUES (:c, :at, :ty, :d) "
           "RETURNING id",
        soci::use(call_id), soci::use(at), soci::use(event.type), soci::use(event.detail_json),
        soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::vector<CallEvent>> CallRepository::events(Id call_id) {
  try {
    SessionScope scope(db_, shared_);
    auto& sql = *scope;
    std::vector<CallEvent> events;
    long long wanted = call_id, id = 0, at = 0;
    std::string type, detail;
    soci::statement st =
        (sql.prepare << "SELECT id, at, type, detail_json FROM call_events WHERE call_id = :c "
                        "ORDER BY at, id",
         soci::use(wanted), soci::into(id), soci::into(at), soci::into(type), soci::into(detail));
    st.execute(false);
    while (st.fetch()) events.push_back({id, call_id, at, type, detail});
    return events;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
