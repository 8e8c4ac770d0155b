#include "engine_target.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <variant>

#include "process_usage.hpp"

namespace hotline::bench {

using namespace hotline::media;

Result<std::unique_ptr<EngineTarget>> EngineTarget::start(const EngineTargetOptions& options) {
  std::filesystem::remove_all(options.record_dir);
  std::filesystem::create_directories(options.record_dir);
  MediaEngineConfig config;
  config.workers = options.workers;
  config.realtime_priority = options.realtime_priority;
  config.ipv4_bind_address = "127.0.0.1";
  auto started = MediaEngine::start(config);
  if (!started) return started.error();
  return std::unique_ptr<EngineTarget>(new EngineTarget(options, std::move(*started)));
}

EngineTarget::~EngineTarget() {
  engine_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(options_.record_dir, ignored);
}

Result<std::vector<SocketAddress>> EngineTarget::open_calls(int calls,
                                                            const SocketAddress& phones) {
  RemoteMedia remote;
  remote.rtp = phones;
  remote.rtcp = phones;
  remote.codec = &pcmu_codec();
  remote.payload_type = 0;
  remote.telephone_event_payload_type = 101;  // as phones negotiate it: no in-band detection
  std::vector<SocketAddress> relay(static_cast<std::size_t>(calls) * 2);
  for (int c = 0; c < calls; ++c) {
    auto caller = engine_->create_endpoint();
    if (!caller) return caller.error();
    EndpointOptions colocated;
    colocated.colocate_with = caller->id;
    auto agent = engine_->create_endpoint(colocated);
    if (!agent) return agent.error();
    for (const auto& [info, leg] : {std::pair{*caller, 2 * c}, {*agent, 2 * c + 1}}) {
      endpoints_.push_back(info.id);
      relay[static_cast<std::size_t>(leg)] = info.local;
      (void)engine_->set_remote(info.id, remote);
    }
    (void)engine_->bridge(caller->id, agent->id);
    RecordingRequest request;
    request.left = caller->id;
    request.right = agent->id;
    request.path = options_.record_dir + "/call-" + std::to_string(c) + ".wav";
    request.compress_to = RecordingFormat::wav;  // compression runs after calls; not measured
    if (engine_->start_recording(request)) ++recordings_;
  }
  return relay;
}

double EngineTarget::cpu_seconds() {
  return thread_cpu_seconds(getpid(), "hl-media") + thread_cpu_seconds(getpid(), "hl-rec");
}

long EngineTarget::resident_kb() {
  return bench::resident_kb(getpid());
}

std::string EngineTarget::close_calls(double window_s) {
  std::uint64_t recorded_bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(options_.record_dir))
    recorded_bytes += std::filesystem::file_size(entry.path());
  const auto counters = engine_->counters();
  const auto workers = engine_->worker_count();

  for (const auto endpoint : endpoints_)
    (void)engine_->destroy_endpoint(endpoint);  // ends recordings
  std::uint64_t dropped_frames = 0;
  std::size_t finished = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (finished < recordings_ && std::chrono::steady_clock::now() < give_up) {
    const auto event = engine_->events().wait_pop(std::chrono::milliseconds(500));
    if (!event) continue;
    if (const auto* done = std::get_if<RecordingFinished>(&*event)) {
      ++finished;
      dropped_frames += done->dropped_frames;
    }
  }
  char fields[256];
  std::snprintf(fields, sizeof(fields),
                " workers=%zu recorded=%zu rec_write_kb_s=%.1f rec_dropped_frames=%llu "
                "late_ticks=%llu skipped_ticks=%llu",
                static_cast<std::size_t>(workers), recordings_,
                static_cast<double>(recorded_bytes) / 1024.0 / window_s,
                static_cast<unsigned long long>(dropped_frames),
                static_cast<unsigned long long>(counters.late_ticks),
                static_cast<unsigned long long>(counters.skipped_ticks));
  return fields;
}

}  // namespace hotline::bench
