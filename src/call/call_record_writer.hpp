#pragma once
// Writes call records, call events and recording metadata on its own thread, in the order
// they were queued, so the control thread never waits for the database. Records are named
// by call uuid; the writer keeps the uuid -> row id link while a call may still write.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>

#include "store/call_repository.hpp"
#include "store/recording_repository.hpp"

namespace hotline::call {

class CallRecordWriter {
 public:
  explicit CallRecordWriter(store::Database& db);
  ~CallRecordWriter();  // writes what is queued, then stops
  CallRecordWriter(const CallRecordWriter&) = delete;
  CallRecordWriter& operator=(const CallRecordWriter&) = delete;

  void create(store::CallRecord record);
  void update(store::CallRecord record);
  void event(const std::string& uuid, EpochMs at, std::string type, std::string detail_json);
  // Stores the recording and links it from the call record (`record` is the final record).
  void attach_recording(store::CallRecord record, store::Recording recording);
  // The call will write nothing more: forget its row id.
  void forget(const std::string& uuid);
  // Blocks until everything queued so far is written (tests, shutdown).
  void flush();

 private:
  struct Create {
    store::CallRecord record;
  };
  struct Update {
    store::CallRecord record;
  };
  struct Event {
    std::string uuid;
    store::CallEvent event;
  };
  struct Attach {
    store::CallRecord record;
    store::Recording recording;
  };
  struct Forget {
    std::string uuid;
  };
  using Work = std::variant<Create, Update, Event, Attach, Forget>;

  void push(Work work);
  void run();
  void apply(Work& work);
  std::optional<store::Id> id_of(const std::string& uuid);

  store::CallRepository calls_;
  store::RecordingRepository recordings_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable drained_;
  std::deque<Work> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::unordered_map<std::string, store::Id> ids_;  // writer thread only
  std::thread thread_;
};

}  // namespace hotline::call
