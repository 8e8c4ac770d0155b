#pragma once
// The media engine's public face. The control thread calls these methods; each checks what it
// can, then queues a command to the worker that owns the endpoint and returns at once. What
// happens later (digits, prompts ending, timeouts, RTCP figures, finished recordings) arrives
// as MediaEvent values on events().
//
// Endpoints that are bridged, mixed or recorded together must live on the same worker: create
// the second leg with EndpointOptions::colocate_with set to the first (a call's legs, a
// supervisor joining a call). Packets never cross threads, so the packet path has no locks.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "media/audio_mixer.hpp"
#include "media/media_commands.hpp"
#include "media/media_counters.hpp"
#include "media/media_event_queue.hpp"
#include "media/media_events.hpp"
#include "media/player.hpp"
#include "media/port_allocator.hpp"
#include "media/prompt_cache.hpp"
#include "media/recording_sink.hpp"
#include "media/remote_media.hpp"
#include "media/sdp_negotiation.hpp"
#include "media/socket_address.hpp"

namespace hotline::media {

class MediaWorker;
class RecordingService;

struct MediaEngineConfig {
  unsigned workers = 0;  // 0: one per core
  PortRange rtp_ports;   // --rtp-ports, default 20000-29999
  std::string ipv4_bind_address = "0.0.0.0";
  std::string ipv6_bind_address = "::";
  EndpointSettings endpoint;  // media timeout, RTCP interval, jitter buffer, in-band DTMF
  // SCHED_FIFO priority for the workers (1-99, needs root or CAP_SYS_NICE); 0 leaves them
  // ordinary threads. Keeps the 20 ms clock steady on a busy machine.
  int realtime_priority = 0;
};

struct EndpointOptions {
  bool ipv6 = false;
  std::string bind_address;      // empty: the engine's address for the family
  EndpointId colocate_with = 0;  // put it on the same worker as this endpoint
};

struct EndpointInfo {
  EndpointId id = 0;
  SocketAddress local;  // bound RTP address (put this port into our SDP)
  std::uint16_t rtp_port = 0;
  std::uint16_t rtcp_port = 0;
};

class MediaEngine {
  struct ConstructionToken {
    explicit ConstructionToken() = default;
  };

 public:
  // Use start(); public only so std::make_unique can reach it.
  MediaEngine(ConstructionToken, const MediaEngineConfig& config);
  static Result<std::unique_ptr<MediaEngine>> start(const MediaEngineConfig& config);
  // Stops the workers (final stats for open endpoints), finishes recordings, then returns.
  ~MediaEngine();
  MediaEngine(const MediaEngine&) = delete;
  MediaEngine& operator=(const MediaEngine&) = delete;

  MediaEventQueue& events() { return events_; }
  PromptCache& prompts() { return prompts_; }
  std::size_t worker_count() const { return workers_.size(); }
  MediaCounters counters() const;

  Result<EndpointInfo> create_endpoint(const EndpointOptions& options = {});
  Status set_remote(EndpointId endpoint, const RemoteMedia& remote);
  Status set_remote(EndpointId endpoint, const NegotiatedMedia& negotiated);
  Status destroy_endpoint(EndpointId endpoint);

  Result<PlaybackId> play(EndpointId endpoint, PlayRequest request);
  Status stop_playback(EndpointId endpoint);

  Status send_dtmf(EndpointId endpoint, const std::string& digits, int duration_ms = 100,
                   int pause_ms = 60);
  // A digit received by SIP INFO (see parse_sip_info_dtmf): reported as a DtmfReceived event
  // with source sip_info, and it barges in like any other digit.
  Status inject_sip_info_dtmf(EndpointId endpoint, char digit, int duration_ms);

  // A two-party mixer with both in speak_to_all. Join a third party (supervisor) to it.
  Result<MixerId> bridge(EndpointId a, EndpointId b);
  Result<MixerId> create_mixer(EndpointId anchor);  // on the anchor endpoint's worker
  // Joins, or changes the mode of a member; effective on the next tick (within 20 ms).
  // A mixer ends by itself when its last member leaves or is destroyed.
  Status join_mixer(MixerId mixer, EndpointId endpoint, PartyMode mode, EndpointId target = 0);
  Status set_party_mode(MixerId mixer, EndpointId endpoint, PartyMode mode, EndpointId target = 0);
  Status leave_mixer(EndpointId endpoint);
  Status destroy_mixer(MixerId mixer);

  Result<RecordingId> start_recording(const RecordingRequest& request);
  Status stop_recording(RecordingId recording);

 private:
  static constexpr unsigned kWorkerIdBits = 8;
  static constexpr unsigned kMaxWorkers = 1u << kWorkerIdBits;

  Result<std::size_t> worker_of(EndpointId endpoint) const;
  MixerId worker_scoped_id(std::size_t worker);
  std::optional<std::size_t> worker_of_scoped_id(std::uint64_t id) const;
  Status post(std::size_t worker, std::vector<MediaCommand> commands);
  template <typename Command>
  Status post_to_endpoint(EndpointId endpoint, Command command);

  const MediaEngineConfig config_;
  MediaEventQueue events_;
  PromptCache prompts_;
  PortAllocator ports_;
  std::unique_ptr<RecordingService> recording_service_;
  std::vector<std::unique_ptr<MediaWorker>> workers_;

  mutable std::mutex registry_mutex_;  // control side only, never on the packet path
  std::uint64_t next_id_ = 1;
  std::size_t next_worker_ = 0;
  std::unordered_map<EndpointId, std::size_t> endpoint_workers_;
};

}  // namespace hotline::media
