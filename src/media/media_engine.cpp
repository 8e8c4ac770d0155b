#include "media/media_engine.hpp"

#include <thread>

#include "media/media_commands.hpp"
#include "media/media_worker.hpp"
#include "media/recording_service.hpp"
#include "media/telephone_event.hpp"

namespace hotline::media {

namespace {

Error unknown(const char* what) {
  return Error{"unknown_" + std::string(what), std::string("no such ") + what};
}

}  // namespace

MediaEngine::MediaEngine(ConstructionToken, const MediaEngineConfig& config)
    : config_(config),
      ports_(config.rtp_ports),
      recording_service_(std::make_unique<RecordingService>(
          [this](RecordingFinished finished) { events_.push(std::move(finished)); })) {}

Result<std::unique_ptr<MediaEngine>> MediaEngine::start(const MediaEngineConfig& config) {
  if (config.rtp_ports.low > config.rtp_ports.high ||
      config.rtp_ports.high - config.rtp_ports.low < 1)
    return Error{"bad_port_range", "the RTP port range holds no RTP/RTCP pair"};
  auto engine = std::make_unique<MediaEngine>(ConstructionToken{}, config);
  const unsigned count = std::min(
      config.workers > 0 ? config.workers : std::max(1u, std::thread::hardware_concurrency()),
      kMaxWorkers);
  for (unsigned i = 0; i < count; ++i) {
    auto worker = std::make_unique<MediaWorker>(engine->events_, i, config.realtime_priority);
    if (auto started = worker->start(); !started) return started.error();
    engine->workers_.push_back(std::move(worker));
  }
  return engine;
}

MediaEngine::~MediaEngine() {
  workers_.clear();            // closes endpoints and recording taps
  recording_service_.reset();  // writes and compresses what is left
}

MediaCounters MediaEngine::counters() const {
  MediaCounters total;
  for (const auto& worker : workers_) worker->counters().add_to(total);
  return total;
}

Result<std::size_t> MediaEngine::worker_of(EndpointId endpoint) const {
  std::lock_guard lock(registry_mutex_);
  const auto it = endpoint_workers_.find(endpoint);
  if (it == endpoint_workers_.end()) return unknown("endpoint");
  return it->second;
}

MixerId MediaEngine::worker_scoped_id(std::size_t worker) {
  // Called with registry_mutex_ held. The low bits name the worker, so mixers and recordings
  // need no registry (nothing to forget when they end on the worker side).
  return (next_id_++ << kWorkerIdBits) | worker;
}

std::optional<std::size_t> MediaEngine::worker_of_scoped_id(std::uint64_t id) const {
  const std::size_t worker = id & ((1u << kWorkerIdBits) - 1);
  if (id == 0 || worker >= workers_.size()) return std::nullopt;
  return worker;
}

Status MediaEngine::post(std::size_t worker, std::vector<MediaCommand> commands) {
  workers_[worker]->post(std::move(commands));
  return ok_status();
}

template <typename Command>
Status MediaEngine::post_to_endpoint(EndpointId endpoint, Command command) {
  const auto worker = worker_of(endpoint);
  if (!worker) return worker.error();
  std::vector<MediaCommand> commands;
  commands.emplace_back(std::move(command));
  return post(*worker, std::move(commands));
}

Result<EndpointInfo> MediaEngine::create_endpoint(const EndpointOptions& options) {
  std::size_t worker = 0;
  if (options.colocate_with != 0) {
    const auto anchor = worker_of(options.colocate_with);
    if (!anchor) return anchor.error();
    worker = *anchor;
  }
  const std::string& bind = !options.bind_address.empty() ? options.bind_address
                            : options.ipv6                ? config_.ipv6_bind_address
                                                          : config_.ipv4_bind_address;
  auto address = SocketAddress::parse(bind, 0);
  if (!address) return address.error();
  auto sockets = ports_.allocate(*address);
  if (!sockets) return sockets.error();

  EndpointInfo info;
  info.local = sockets->rtp.local_address();
  info.rtp_port = sockets->rtp_port;
  info.rtcp_port = static_cast<std::uint16_t>(sockets->rtp_port + 1);
  {
    std::lock_guard lock(registry_mutex_);
    info.id = next_id_++;
    if (options.colocate_with == 0) worker = next_worker_++ % workers_.size();
    endpoint_workers_[info.id] = worker;
  }
  std::vector<MediaCommand> commands;
  commands.emplace_back(AddEndpointCommand{
      std::make_unique<RtpSession>(info.id, std::move(*sockets), config_.endpoint, events_,
                                   workers_[worker]->session_counters())});
  (void)post(worker, std::move(commands));
  return info;
}

Status MediaEngine::set_remote(EndpointId endpoint, const RemoteMedia& remote) {
  if (!remote.codec || remote.payload_type < 0 || !remote.rtp.valid())
    return Error{"bad_remote", "remote media needs a codec and an address"};
  return post_to_endpoint(endpoint, SetRemoteCommand{endpoint, remote});
}

Status MediaEngine::set_remote(EndpointId endpoint, const NegotiatedMedia& negotiated) {
  auto remote = make_remote_media(negotiated);
  if (!remote) return remote.error();
  return set_remote(endpoint, *remote);
}

Status MediaEngine::destroy_endpoint(EndpointId endpoint) {
  const auto worker = worker_of(endpoint);
  if (!worker) return worker.error();
  {
    std::lock_guard lock(registry_mutex_);
    endpoint_workers_.erase(endpoint);
  }
  std::vector<MediaCommand> commands;
  commands.emplace_back(DestroyEndpointCommand{endpoint});
  return post(*worker, std::move(commands));
}

Result<PlaybackId> MediaEngine::play(EndpointId endpoint, PlayRequest request) {
  PlaybackId playback = 0;
  {
    std::lock_guard lock(registry_mutex_);
    playback = next_id_++;
  }
  auto posted = post_to_endpoint(endpoint, PlayCommand{endpoint, playback, std::move(request)});
  if (!posted) return posted.error();
  return playback;
}

Status MediaEngine::stop_playback(EndpointId endpoint) {
  return post_to_endpoint(endpoint, StopPlaybackCommand{endpoint});
}

Status MediaEngine::send_dtmf(EndpointId endpoint, const std::string& digits, int duration_ms,
                              int pause_ms) {
  for (const char digit : digits)
    if (!dtmf_event_code(digit)) return Error{"bad_digit", "digits are 0-9, *, #, A-D"};
  return post_to_endpoint(endpoint, SendDtmfCommand{endpoint, digits, duration_ms, pause_ms});
}

Status MediaEngine::inject_sip_info_dtmf(EndpointId endpoint, char digit, int duration_ms) {
  if (!dtmf_event_code(digit)) return Error{"bad_digit", "digits are 0-9, *, #, A-D"};
  return post_to_endpoint(endpoint, InjectDtmfCommand{endpoint, digit, duration_ms});
}

Result<MixerId> MediaEngine::create_mixer(EndpointId anchor) {
  const auto worker = worker_of(anchor);
  if (!worker) return worker.error();
  MixerId mixer = 0;
  {
    std::lock_guard lock(registry_mutex_);
    mixer = worker_scoped_id(*worker);
  }
  std::vector<MediaCommand> commands;
  commands.emplace_back(CreateMixerCommand{mixer});
  (void)post(*worker, std::move(commands));
  return mixer;
}

Result<MixerId> MediaEngine::bridge(EndpointId a, EndpointId b) {
  const auto worker_a = worker_of(a);
  if (!worker_a) return worker_a.error();
  const auto worker_b = worker_of(b);
  if (!worker_b) return worker_b.error();
  if (*worker_a != *worker_b || a == b)
    return Error{"not_colocated", "bridged endpoints must share a worker (colocate_with)"};
  MixerId mixer = 0;
  {
    std::lock_guard lock(registry_mutex_);
    mixer = worker_scoped_id(*worker_a);
  }
  std::vector<MediaCommand> commands;
  commands.emplace_back(CreateMixerCommand{mixer});
  commands.emplace_back(JoinMixerCommand{mixer, a, PartyMode::speak_to_all, 0});
  commands.emplace_back(JoinMixerCommand{mixer, b, PartyMode::speak_to_all, 0});
  (void)post(*worker_a, std::move(commands));
  return mixer;
}

Status MediaEngine::join_mixer(MixerId mixer, EndpointId endpoint, PartyMode mode,
                               EndpointId target) {
  const auto worker = worker_of(endpoint);
  if (!worker) return worker.error();
  const auto mixer_worker = worker_of_scoped_id(mixer);
  if (!mixer_worker) return unknown("mixer");
  if (*mixer_worker != *worker)
    return Error{"not_colocated", "the endpoint must share the mixer's worker (colocate_with)"};
  if (mode == PartyMode::speak_to_one && target == 0)
    return Error{"bad_mode", "speak_to_one needs a target"};
  std::vector<MediaCommand> commands;
  commands.emplace_back(JoinMixerCommand{mixer, endpoint, mode, target});
  return post(*worker, std::move(commands));
}

Status MediaEngine::set_party_mode(MixerId mixer, EndpointId endpoint, PartyMode mode,
                                   EndpointId target) {
  return join_mixer(mixer, endpoint, mode, target);
}

Status MediaEngine::leave_mixer(EndpointId endpoint) {
  return post_to_endpoint(endpoint, LeaveMixerCommand{endpoint});
}

Status MediaEngine::destroy_mixer(MixerId mixer) {
  const auto worker = worker_of_scoped_id(mixer);
  if (!worker) return unknown("mixer");
  std::vector<MediaCommand> commands;
  commands.emplace_back(DestroyMixerCommand{mixer});
  return post(*worker, std::move(commands));
}

Result<RecordingId> MediaEngine::start_recording(const RecordingRequest& request) {
  if (request.path.empty()) return Error{"bad_recording", "a recording needs a file path"};
  const auto worker = worker_of(request.left);
  if (!worker) return worker.error();
  if (request.right != 0) {
    const auto right = worker_of(request.right);
    if (!right) return right.error();
    if (*right != *worker)
      return Error{"not_colocated", "recorded endpoints must share a worker (colocate_with)"};
  }
  RecordingId recording = 0;
  {
    std::lock_guard lock(registry_mutex_);
    recording = worker_scoped_id(*worker);
  }
  auto sink = std::make_shared<RecordingSink>(recording, request);
  recording_service_->add(sink);
  std::vector<MediaCommand> commands;
  commands.emplace_back(StartRecordingCommand{std::move(sink)});
  (void)post(*worker, std::move(commands));
  return recording;
}

Status MediaEngine::stop_recording(RecordingId recording) {
  const auto worker = worker_of_scoped_id(recording);
  if (!worker) return unknown("recording");
  std::vector<MediaCommand> commands;
  commands.emplace_back(StopRecordingCommand{recording});
  return post(*worker, std::move(commands));
}

}  // namespace hotline::media
