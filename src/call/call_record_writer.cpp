#include "call/call_record_writer.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <type_traits>

namespace hotline::call {

CallRecordWriter::CallRecordWriter(store::Database& db)
    : db_(db), calls_(db), recordings_(db), thread_([this] { run(); }) {}

CallRecordWriter::~CallRecordWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  thread_.join();
}

void CallRecordWriter::create(store::CallRecord record) {
  push(Create{std::move(record)});
}
void CallRecordWriter::update(store::CallRecord record) {
  push(Update{std::move(record)});
}

void CallRecordWriter::event(const std::string& uuid, EpochMs at, std::string type,
                             std::string detail_json) {
  store::CallEvent event;
  event.at = at;
  event.type = std::move(type);
  event.detail_json = std::move(detail_json);
  push(Event{uuid, std::move(event)});
}

void CallRecordWriter::attach_recording(store::CallRecord record, store::Recording recording) {
  push(Attach{std::move(record), std::move(recording)});
}

void CallRecordWriter::run_for_call(const std::string& uuid, CallTask task) {
  push(Task{uuid, std::move(task)});
}

void CallRecordWriter::forget(const std::string& uuid) {
  push(Forget{uuid});
}

void CallRecordWriter::flush() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void CallRecordWriter::push(Work work) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(work));
  }
  ready_.notify_one();
}

void CallRecordWriter::run() {
  for (;;) {
    std::deque<Work> batch;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      batch.swap(queue_);
      busy_ = true;
    }
    write(batch);
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
    }
    drained_.notify_all();
  }
}

void CallRecordWriter::write(std::deque<Work>& batch) {
  for (auto first = batch.begin(); first != batch.end();) {
    if (auto* task = std::get_if<Task>(&*first)) {
      // Tasks use their own sessions: outside any batch transaction (SQLite has one writer).
      std::vector<std::string> learned;
      auto id = id_of(calls_, task->uuid, learned);
      if (!id) {
        spdlog::error("calls: cannot find call record {}: {}", task->uuid, id.error().message);
      } else if (*id) {
        if (auto done = task->task(db_, **id); !done)
          spdlog::error("calls: cannot write for call {}: {}", task->uuid, done.error().message);
      }
      ++first;
      continue;
    }
    auto last = first;
    while (last != batch.end() && static_cast<std::size_t>(last - first) < kBatchSize &&
           !std::holds_alternative<Task>(*last))
      ++last;
    if (!write_in_transaction(first, last)) {
      // One by one, each in its own transaction, so that only what the database refuses is
      // lost (and logged).
      Repositories repos{calls_, recordings_};
      std::vector<std::string> learned;
      for (auto it = first; it != last; ++it) {
        if (auto written = apply(repos, *it, learned); !written)
          spdlog::error("calls: cannot write a call record: {}", written.error().message);
      }
    }
    first = last;
  }
}

bool CallRecordWriter::write_in_transaction(std::deque<Work>::iterator first,
                                            std::deque<Work>::iterator last) {
  std::vector<std::string> learned;
  try {
    soci::session sql(db_.pool());
    soci::transaction transaction(sql);
    store::CallRepository calls(db_, sql);
    store::RecordingRepository recordings(db_, sql);
    for (auto it = first; it != last; ++it) {
      if (!apply({calls, recordings}, *it, learned)) {
        transaction.rollback();
        for (const auto& uuid : learned) ids_.erase(uuid);
        return false;
      }
    }
    transaction.commit();
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("calls: call record batch failed, writing one by one: {}", e.what());
    for (const auto& uuid : learned) ids_.erase(uuid);
    return false;
  }
}

Result<std::optional<store::Id>> CallRecordWriter::id_of(store::CallRepository& calls,
                                                         const std::string& uuid,
                                                         std::vector<std::string>& learned) {
  if (const auto found = ids_.find(uuid); found != ids_.end())
    return std::optional<store::Id>{found->second};
  auto record = calls.find_by_uuid(uuid);
  if (!record) return record.error();
  if (!*record) return std::optional<store::Id>{};
  ids_[uuid] = (*record)->id;
  learned.push_back(uuid);
  return std::optional<store::Id>{(*record)->id};
}

Status CallRecordWriter::apply(Repositories repos, Work& work, std::vector<std::string>& learned) {
  if (auto* create = std::get_if<Create>(&work)) {
    auto id = repos.calls.create(create->record);
    if (!id) return id.error();
    ids_[create->record.uuid] = *id;
    learned.push_back(create->record.uuid);
    return ok_status();
  }
  if (auto* forget = std::get_if<Forget>(&work)) {
    ids_.erase(forget->uuid);
    return ok_status();
  }
  const std::string& uuid = std::visit(
      [](auto& w) -> const std::string& {
        if constexpr (std::is_same_v<std::decay_t<decltype(w)>, Event> ||
                      std::is_same_v<std::decay_t<decltype(w)>, Forget> ||
                      std::is_same_v<std::decay_t<decltype(w)>, Task>)
          return w.uuid;
        else
          return w.record.uuid;
      },
      work);
  auto id = id_of(repos.calls, uuid, learned);
  if (!id) return id.error();
  if (!*id) return ok_status();  // its record was never written (already logged)
  if (auto* update = std::get_if<Update>(&work)) {
    update->record.id = **id;
    return repos.calls.update(update->record);
  }
  if (auto* event = std::get_if<Event>(&work)) {
    event->event.call_id = **id;
    auto written = repos.calls.append_event(event->event);
    if (!written) return written.error();
    return ok_status();
  }
  auto& attach = std::get<Attach>(work);
  attach.recording.call_id = **id;
  auto recording = repos.recordings.create(attach.recording);
  if (!recording) return recording.error();
  attach.record.id = **id;
  attach.record.recording_id = *recording;
  return repos.calls.update(attach.record);
}

}  // namespace hotline::call
