#include "store/queue_repository.hpp"
#include "store/one_row_update.hpp"

#include <soci/soci.h>

#include <map>

namespace hotline::store {

namespace {

const char* kQueueColumns =
    "id, name, display_name, strategy, tier_wait_seconds, ring_timeout_seconds, wrap_up_seconds, "
    "max_wait_seconds, max_length, overflow_type, overflow_target, moh_prompt, "
    "announce_interval_seconds, announce_position, announce_wait, callback_key, "
    "service_level_seconds, service_level_target, warn_wait_seconds, alert_wait_seconds, "
    "enabled, created_at, updated_at";

std::vector<Queue> select_queues(soci::session& sql, const std::string& tail, long long id) {
  std::vector<Queue> queues;
  Queue q;
  long long qid = 0, created_at = 0, updated_at = 0;
  int announce_position = 0, announce_wait = 0, enabled = 0;
  soci::statement st(sql);
  st.exchange(soci::into(qid));
  st.exchange(soci::into(q.name));
  st.exchange(soci::into(q.display_name));
  st.exchange(soci::into(q.strategy));
  st.exchange(soci::into(q.tier_wait_seconds));
  st.exchange(soci::into(q.ring_timeout_seconds));
  st.exchange(soci::into(q.wrap_up_seconds));
  st.exchange(soci::into(q.max_wait_seconds));
  st.exchange(soci::into(q.max_length));
  st.exchange(soci::into(q.overflow_type));
  st.exchange(soci::into(q.overflow_target));
  st.exchange(soci::into(q.moh_prompt));
  st.exchange(soci::into(q.announce_interval_seconds));
  st.exchange(soci::into(announce_position));
  st.exchange(soci::into(announce_wait));
  st.exchange(soci::into(q.callback_key));
  st.exchange(soci::into(q.service_level_seconds));
  st.exchange(soci::into(q.service_level_target));
  st.exchange(soci::into(q.warn_wait_seconds));
  st.exchange(soci::into(q.alert_wait_seconds));
  st.exchange(soci::into(enabled));
  st.exchange(soci::into(created_at));
  st.exchange(soci::into(updated_at));
  if (id != 0) st.exchange(soci::use(id));
  st.alloc();
  st.prepare(std::string("SELECT ") + kQueueColumns + " FROM queues" + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    q.id = qid;
    q.announce_position = announce_position != 0;
    q.announce_wait = announce_wait != 0;
    q.enabled = enabled != 0;
    q.created_at = created_at;
    q.updated_at = updated_at;
    queues.push_back(q);
  }
  return queues;
}

// Every queue's members in one query, joined to the users they are.
void attach_members(soci::session& sql, std::vector<Queue>& queues) {
  std::map<Id, Queue*> by_id;
  for (auto& queue : queues) {
    queue.members.clear();
    by_id[queue.id] = &queue;
  }
  long long queue_id = 0, user_id = 0;
  QueueMember m;
  soci::indicator extension_ind = soci::i_null;
  soci::statement st =
      (sql.prepare << "SELECT m.queue_id, m.user_id, u.username, u.display_name, u.extension, "
                      "m.tier, m.level FROM queue_members m JOIN users u ON u.id = m.user_id "
                      "ORDER BY m.tier, u.username",
       soci::into(queue_id), soci::into(user_id), soci::into(m.username),
       soci::into(m.display_name), soci::into(m.extension, extension_ind), soci::into(m.tier),
       soci::into(m.level));
  st.execute(false);
  while (st.fetch()) {
    const auto found = by_id.find(queue_id);
    if (found == by_id.end()) continue;
    m.user_id = user_id;
    if (extension_ind != soci::i_ok) m.extension.clear();
    found->second->members.push_back(m);
  }
}

}  // namespace

Result<std::vector<Queue>> QueueRepository::list() {
  try {
    soci::session sql(db_.pool());
    auto queues = select_queues(sql, " ORDER BY name", 0);
    attach_members(sql, queues);
    return queues;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<Queue>> QueueRepository::find(Id id) {
  try {
    soci::session sql(db_.pool());
    auto queues = select_queues(sql, " WHERE id = :id", id);
    if (queues.empty()) return std::optional<Queue>{};
    attach_members(sql, queues);
    return std::optional<Queue>{std::move(queues.front())};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<Id> QueueRepository::create(const Queue& q) {
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = 0;
    const int announce_position = q.announce_position ? 1 : 0,
              announce_wait = q.announce_wait ? 1 : 0, enabled = q.enabled ? 1 : 0;
    sql << "INSERT INTO queues (name, display_name, strategy, tier_wait_seconds, "
           "ring_timeout_seconds, wrap_up_seconds, max_wait_seconds, max_length, overflow_type, "
           "overflow_target, moh_prompt, announce_interval_seconds, announce_position, "
           "announce_wait, callback_key, service_level_seconds, service_level_target, "
           "warn_wait_seconds, alert_wait_seconds, enabled, created_at, updated_at) VALUES "
           "(:n, :dn, :s, :tw, :rt, :wu, :mw, :ml, :ot, :otg, :moh, :ai, :ap, :aw, :ck, :sls, "
           ":slt, :ww, :aw2, :en, :c, :u) RETURNING id",
        soci::use(q.name), soci::use(q.display_name), soci::use(q.strategy),
        soci::use(q.tier_wait_seconds), soci::use(q.ring_timeout_seconds),
        soci::use(q.wrap_up_seconds), soci::use(q.max_wait_seconds), soci::use(q.max_length),
        soci::use(q.overflow_type), soci::use(q.overflow_target), soci::use(q.moh_prompt),
        soci::use(q.announce_interval_seconds), soci::use(announce_position),
        soci::use(announce_wait), soci::use(q.callback_key), soci::use(q.service_level_seconds),
        soci::use(q.service_level_target), soci::use(q.warn_wait_seconds),
        soci::use(q.alert_wait_seconds), soci::use(enabled), soci::use(now), soci::use(now),
        soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status QueueRepository::update(const Queue& q) {
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = q.id;
    const int announce_position = q.announce_position ? 1 : 0,
              announce_wait = q.announce_wait ? 1 : 0, enabled = q.enabled ? 1 : 0;
    soci::statement st =
        (sql.prepare << "UPDATE queues SET name = :n, display_name = :dn, strategy = :s, "
                        "tier_wait_seconds = :tw, ring_timeout_seconds = :rt, "
                        "wrap_up_seconds = :wu, max_wait_seconds = :mw, max_length = :ml, "
                        "overflow_type = :ot, overflow_target = :otg, moh_prompt = :moh, "
                        "announce_interval_seconds = :ai, announce_position = :ap, "
                        "announce_wait = :aw, callback_key = :ck, service_level_seconds = :sls, "
                        "service_level_target = :slt, warn_wait_seconds = :ww, "
                        "alert_wait_seconds = :aw2, enabled = :en, updated_at = :u WHERE id = :id",
         soci::use(q.name), soci::use(q.display_name), soci::use(q.strategy),
         soci::use(q.tier_wait_seconds), soci::use(q.ring_timeout_seconds),
         soci::use(q.wrap_up_seconds), soci::use(q.max_wait_seconds), soci::use(q.max_length),
         soci::use(q.overflow_type), soci::use(q.overflow_target), soci::use(q.moh_prompt),
         soci::use(q.announce_interval_seconds), soci::use(announce_position),
         soci::use(announce_wait), soci::use(q.callback_key), soci::use(q.service_level_seconds),
         soci::use(q.service_level_target), soci::use(q.warn_wait_seconds),
         soci::use(q.alert_wait_seconds), soci::use(enabled), soci::use(now), soci::use(id));
    return execute_on_one_row(st, "no such queue");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status QueueRepository::remove(Id id) {
  try {
    soci::session sql(db_.pool());
    long long wanted = id;
    soci::transaction tx(sql);
    sql << "DELETE FROM queue_members WHERE queue_id = :id", soci::use(wanted);
    soci::statement st = (sql.prepare << "DELETE FROM queues WHERE id = :id", soci::use(wanted));
    st.execute(true);
    if (st.get_affected_rows() == 0) return Error{"not_found", "no such queue"};
    tx.commit();
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status QueueRepository::set_members(Id queue_id, const std::vector<QueueMember>& members) {
  try {
    soci::session sql(db_.pool());
    long long qid = queue_id;
    int exists = 0;
    sql << "SELECT COUNT(*) FROM queues WHERE id = :id", soci::use(qid), soci::into(exists);
    if (exists == 0) return Error{"not_found", "no such queue"};
    soci::transaction tx(sql);
    sql << "DELETE FROM queue_members WHERE queue_id = :id", soci::use(qid);
    for (const auto& member : members) {
      long long user_id = member.user_id;
      sql << "INSERT INTO queue_members (queue_id, user_id, tier, level) VALUES "
             "(:q, :u, :t, :l)",
          soci::use(qid), soci::use(user_id), soci::use(member.tier), soci::use(member.level);
    }
    const long long now = now_ms();
    sql << "UPDATE queues SET updated_at = :u WHERE id = :id", soci::use(now), soci::use(qid);
    tx.commit();
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::vector<NotReadyReason>> QueueRepository::reasons() {
  try {
    soci::session sql(db_.pool());
    std::vector<NotReadyReason> reasons;
    NotReadyReason r;
    long long id = 0;
    int enabled = 0;
    soci::statement st =
        (sql.prepare << "SELECT id, name, sort_order, enabled FROM "
                        "not_ready_reasons ORDER BY sort_order, name",
         soci::into(id), soci::into(r.name), soci::into(r.sort_order), soci::into(enabled));
    st.execute(false);
    while (st.fetch()) {
      r.id = id;
      r.enabled = enabled != 0;
      reasons.push_back(r);
    }
    return reasons;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<Id> QueueRepository::create_reason(const NotReadyReason& reason) {
  try {
    soci::session sql(db_.pool());
    long long id = 0;
    const long long now = now_ms();
    const int enabled = reason.enabled ? 1 : 0;
    sql << "INSERT INTO not_ready_reasons (name, sort_order, enabled, created_at) VALUES "
           "(:n, :s, :e, :c) RETURNING id",
        soci::use(reason.name), soci::use(reason.sort_order), soci::use(enabled), soci::use(now),
        soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status QueueRepository::update_reason(const NotReadyReason& reason) {
  try {
    soci::session sql(db_.pool());
    long long id = reason.id;
    const int enabled = reason.enabled ? 1 : 0;
    soci::statement st =
        (sql.prepare << "UPDATE not_ready_reasons SET name = :n, sort_order = "
                        ":s, enabled = :e WHERE id = :id",
         soci::use(reason.name), soci::use(reason.sort_order), soci::use(enabled), soci::use(id));
    return execute_on_one_row(st, "no such reason");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status QueueRepository::remove_reason(Id id) {
  try {
    soci::session sql(db_.pool());
    long long wanted = id;
    soci::statement st =
        (sql.prepare << "DELETE FROM not_ready_reasons WHERE id = :id", soci::use(wanted));
    return execute_on_one_row(st, "no such reason");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
