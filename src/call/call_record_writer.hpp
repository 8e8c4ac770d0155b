#pragma once
// Writes call records, call events and recording metadata on its own thread, in the order
// they were queued, so the control thread never waits for the database. Records are named
// by call uuid; the writer keeps the uuid -> row id link while a call may still write.
// What has queued up is written in transactions of up to kBatchSize items (a call makes about
// ten writes: one commit each would cap the call rate); a batch the database refuses is
// rolled back and written again item by item, so one bad item loses only itself.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

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
  // Runs `task` on the writer thread with the call's row id, after the call's earlier writes
  // (what an application such as the IVR stores about a call: its path, a message, a rating).
  // Skipped when the call has no record. Errors are logged.
  using CallTask = std::function<Status(store::Database& db, store::Id call_id)>;
  void run_for_call(const std::string& uuid, CallTask task);
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
  struct Task {
    std::string uuid;
    CallTask task;
  };
  using Work = std::variant<Create, Update, Event, Attach, Forget, Task>;

  struct Repositories {
    store::CallRepository& calls;
    store::RecordingRepository& recordings;
  };
  static constexpr std::size_t kBatchSize = 500;

  void push(Work work);
  void run();
  void write(std::deque<Work>& batch);
  bool write_in_transaction(std::deque<Work>::iterator first, std::deque<Work>::iterator last);
  // Errors are database errors only (a record that does not exist is skipped); `learned`
  // collects the uuids whose row ids this item added to ids_.
  Status apply(Repositories repos, Work& work, std::vector<std::string>& learned);
  Result<std::optional<store::Id>> id_of(store::CallRepository& calls, const std::string& uuid,
                                         std::vector<std::string>& learned);

  store::Database& db_;
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
