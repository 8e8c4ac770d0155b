#include "store/recording_repository.hpp"

#include <soci/soci.h>

#include "store/query_params.hpp"

namespace hotline::store {

namespace {

const char* kRecordingSelect =
    "SELECT r.id, r.call_id, c.uuid, c.caller, c.callee, r.path, r.format, r.mime_type, "
    "r.started_at, r.duration_ms, r.bytes, r.sha256, r.created_at "
    "FROM recordings r JOIN calls c ON c.id = r.call_id";

std::vector<Recording> select_recordings(soci::session& sql, const std::string& tail,
                                         QueryParams& params) {
  std::vector<Recording> recordings;
  Recording r;
  long long id = 0, call_id = 0, started_at = 0, duration_ms = 0, bytes = 0, created_at = 0;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(call_id));
  st.exchange(soci::into(r.call_uuid));
  st.exchange(soci::into(r.caller));
  st.exchange(soci::into(r.callee));
  st.exchange(soci::into(r.path));
  st.exchange(soci::into(r.format));
  st.exchange(soci::into(r.mime_type));
  st.exchange(soci::into(started_at));
  st.exchange(soci::into(duration_ms));
  st.exchange(soci::into(bytes));
  st.exchange(soci::into(r.sha256));
  st.exchange(soci::into(created_at));
  params.bind(st);
  st.alloc();
  st.prepare(kRecordingSelect + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    r.id = id;
    r.call_id = call_id;
    r.started_at = started_at;
    r.duration_ms = duration_ms;
    r.bytes = bytes;
    r.created_at = created_at;
    recordings.push_back(r);
  }
  return recordings;
}

}  // namespace

Result<Id> RecordingRepository::create(const Recording& recording) {
  try {
    SessionScope scope(db_, shared_);
    auto& sql = *scope;
    long long call_id = recording.call_id, started_at = recording.started_at,
              duration_ms = recording.duration_ms, bytes = recording.bytes,
              created_at = recording.created_at != 0 ? recording.created_at : now_ms(), id = 0;
    sql << "INSERT INTO recordings (call_id, path, format, mime_type, started_at, duration_ms, "
           "bytes, sha256, created_at) VALUES (:c, :p, :f, :m, :s, :d, :b, :h, :t) RETURNING id",
        soci::use(call_id), soci::use(recording.path), soci::use(recording.format),
        soci::use(recording.mime_type), soci::use(started_at), soci::use(duration_ms),
        soci::use(bytes), soci::use(recording.sha256), soci::use(created_at), soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<Recording>> RecordingRepository::find(Id id) {
  try {
    SessionScope scope(db_, shared_);
    auto& sql = *scope;
    QueryParams params;
    auto found =
        select_recordings(sql, " WHERE r.id = " + params.add(static_cast<long long>(id)), params);
    if (found.empty()) return std::optional<Recording>{};
    return std::optional<Recording>{std::move(found.front())};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<PageOf<Recording>> RecordingRepository::query(const RecordingFilter& filter,
                                                     const Page& page) {
  try {
    SessionScope scope(db_, shared_);
    auto& sql = *scope;
    QueryParams params;
    std::string where = " WHERE 1 = 1";
    if (filter.from)
      where += " AND r.started_at >= " + params.add(static_cast<long long>(*filter.from));
    if (filter.to) where += " AND r.started_at < " + params.add(static_cast<long long>(*filter.to));
    if (filter.number && !filter.number->empty()) {
      const auto p = params.add(like_contains(*filter.number));
      where += " AND (c.caller LIKE " + p + " ESCAPE '\\' OR c.callee LIKE " + p + " ESCAPE '\\')";
    }
    if (filter.extension && !filter.extension->empty())
      where += " AND c.answered_by = " + params.add(*filter.extension);

    PageOf<Recording> out;
    out.total = params.count(
        sql, "SELECT COUNT(*) FROM recordings r JOIN calls c ON c.id = r.call_id" + where);
    std::string limit_offset;
    QueryParams page_params = params.paged(page.page, page.page_size, limit_offset);
    out.items = select_recordings(
        sql, where + " ORDER BY r.started_at DESC, r.id DESC" + limit_offset, page_params);
    return out;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
