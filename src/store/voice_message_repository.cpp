#include "store/voice_message_repository.hpp"

#include <soci/soci.h>

#include "store/one_row_update.hpp"
#include "store/query_params.hpp"
#include "store/soci_optional.hpp"

namespace hotline::store {

namespace {

const char* kMessageSelect =
    "SELECT m.id, m.call_id, c.uuid, m.caller, m.flow, m.file, m.duration_ms, m.status, "
    "m.handled_by, m.note, m.created_at, m.updated_at "
    "FROM voice_messages m JOIN calls c ON c.id = m.call_id";

std::optional<Error> check_status(const std::string& status) {
  if (status != "new" && status != "in_progress" && status != "done")
    return Error{"invalid", "message status must be new, in_progress or done"};
  return std::nullopt;
}

std::vector<VoiceMessage> select_messages(soci::session& sql, const std::string& tail,
                                          QueryParams& params) {
  std::vector<VoiceMessage> messages;
  VoiceMessage m;
  long long id = 0, call_id = 0, duration_ms = 0, handled_by = 0, created_at = 0, updated_at = 0;
  soci::indicator handled_ind = soci::i_null;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(call_id));
  st.exchange(soci::into(m.call_uuid));
  st.exchange(soci::into(m.caller));
  st.exchange(soci::into(m.flow));
  st.exchange(soci::into(m.file));
  st.exchange(soci::into(duration_ms));
  st.exchange(soci::into(m.status));
  st.exchange(soci::into(handled_by, handled_ind));
  st.exchange(soci::into(m.note));
  st.exchange(soci::into(created_at));
  st.exchange(soci::into(updated_at));
  params.bind(st);
  st.alloc();
  st.prepare(kMessageSelect + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    m.id = id;
    m.call_id = call_id;
    m.duration_ms = duration_ms;
    m.handled_by = optional_column<Id>(handled_by, handled_ind);
    m.created_at = created_at;
    m.updated_at = updated_at;
    messages.push_back(m);
  }
  return messages;
}

}  // namespace

Result<Id> VoiceMessageRepository::create(const VoiceMessage& message) {
  if (auto problem = check_status(message.status)) return *problem;
  if (message.file.empty()) return Error{"invalid", "a voice message needs its file"};
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long call_id = message.call_id, duration_ms = message.duration_ms,
              created_at = message.created_at != 0 ? message.created_at : now, id = 0;
    OptionalParam<long long> handled_by(message.handled_by);
    sql << "INSERT INTO voice_messages (call_id, caller, flow, file, duration_ms, status, "
           "handled_by, note, created_at, updated_at) VALUES (:c, :from, :fl, :f, :d, :s, :h, "
           ":n, :t, :t2) RETURNING id",
        soci::use(call_id), soci::use(message.caller), soci::use(message.flow),
        soci::use(message.file), soci::use(duration_ms), soci::use(message.status),
        soci::use(handled_by.value, handled_by.ind), soci::use(message.note), soci::use(created_at),
        soci::use(created_at), soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<VoiceMessage>> VoiceMessageRepository::find(Id id) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    auto found =
        select_messages(sql, " WHERE m.id = " + params.add(static_cast<long long>(id)), params);
    if (found.empty()) return std::optional<VoiceMessage>{};
    return std::optional<VoiceMessage>{std::move(found.front())};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<PageOf<VoiceMessage>> VoiceMessageRepository::query(const VoiceMessageFilter& filter,
                                                           const Page& page) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    std::string where = " WHERE 1 = 1";
    if (filter.status) where += " AND m.status = " + params.add(*filter.status);
    if (filter.from)
      where += " AND m.created_at >= " + params.add(static_cast<long long>(*filter.from));
    if (filter.to) where += " AND m.created_at < " + params.add(static_cast<long long>(*filter.to));
    if (filter.caller) where += " AND m.caller = " + params.add(*filter.caller);
    PageOf<VoiceMessage> out;
    out.total = params.count(sql, "SELECT COUNT(*) FROM voice_messages m" + where);
    std::string limit_offset;
    QueryParams page_params = params.paged(page.page, page.page_size, limit_offset);
    out.items = select_messages(
        sql, where + " ORDER BY m.created_at DESC, m.id DESC" + limit_offset, page_params);
    return out;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status VoiceMessageRepository::update_status(Id id, const std::string& status,
                                             std::optional<Id> handled_by,
                                             const std::string& note) {
  if (auto problem = check_status(status)) return *problem;
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long wanted = id;
    OptionalParam<long long> by(handled_by);
    soci::statement st =
        (sql.prepare << "UPDATE voice_messages SET status = :s, handled_by = :h, note = :n, "
                        "updated_at = :t WHERE id = :id",
         soci::use(status), soci::use(by.value, by.ind), soci::use(note), soci::use(now),
         soci::use(wanted));
    return execute_on_one_row(st, "no such voice message");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
