#include "call/call_record_writer.hpp"

#include <spdlog/spdlog.h>

namespace hotline::call {

CallRecordWriter::CallRecordWriter(store::Database& db)
    : calls_(db), recordings_(db), thread_([this] { run(); }) {}

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
    for (auto& work : batch) apply(work);
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
    }
    drained_.notify_all();
  }
}

std::optional<store::Id> CallRecordWriter::id_of(const std::string& uuid) {
  if (const auto found = ids_.find(uuid); found != ids_.end()) return found->second;
  auto record = calls_.find_by_uuid(uuid);
  if (!record || !*record) return std::nullopt;
  ids_[uuid] = (*record)->id;
  return (*record)->id;
}

void CallRecordWriter::apply(Work& work) {
  if (auto* create = std::get_if<Create>(&work)) {
    auto id = calls_.create(create->record);
    if (!id) {
      spdlog::error("calls: cannot write call record {}: {}", create->record.uuid,
                    id.error().message);
      return;
    }
    ids_[create->record.uuid] = *id;
  } else if (auto* update = std::get_if<Update>(&work)) {
    const auto id = id_of(update->record.uuid);
    if (!id) return;
    update->record.id = *id;
    if (auto written = calls_.update(update->record); !written)
      spdlog::error("calls: cannot update call record {}: {}", update->record.uuid,
                    written.error().message);
  } else if (auto* event = std::get_if<Event>(&work)) {
    const auto id = id_of(event->uuid);
    if (!id) return;
    event->event.call_id = *id;
    if (auto written = calls_.append_event(event->event); !written)
      spdlog::error("calls: cannot write call event: {}", written.error().message);
  } else if (auto* attach = std::get_if<Attach>(&work)) {
    const auto id = id_of(attach->record.uuid);
    if (!id) return;
    attach->recording.call_id = *id;
    auto recording = recordings_.create(attach->recording);
    if (!recording) {
      spdlog::error("calls: cannot store recording of {}: {}", attach->record.uuid,
                    recording.error().message);
      return;
    }
    attach->record.id = *id;
    attach->record.recording_id = *recording;
    if (auto written = calls_.update(attach->record); !written)
      spdlog::error("calls: cannot link recording: {}", written.error().message);
  } else if (auto* forget = std::get_if<Forget>(&work)) {
    ids_.erase(forget->uuid);
  }
}

}  // namespace hotline::call
