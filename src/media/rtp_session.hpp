#pragma once
// The worker-side state of one media endpoint: its RTP/RTCP sockets, the peer (learned
// symmetrically), receive statistics, jitter buffer, DTMF in and out, the player, and the
// outgoing stream. Used only on its worker's thread; after construction it does not allocate
// on the packet path.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "media/audio_codec.hpp"
#include "media/inband_dtmf_detector.hpp"
#include "media/jitter_buffer.hpp"
#include "media/media_constants.hpp"
#include "media/media_counters.hpp"
#include "media/media_event_queue.hpp"
#include "media/player.hpp"
#include "media/port_allocator.hpp"
#include "media/remote_media.hpp"
#include "media/rfc4733_receiver.hpp"
#include "media/rfc4733_sender.hpp"
#include "media/rtp_packet.hpp"
#include "media/rtp_receive_stats.hpp"

namespace hotline::media {

class RtpSession {
 public:
  RtpSession(EndpointId id, RtpSocketPair sockets, const EndpointSettings& settings,
             MediaEventQueue& events, WorkerCounters& counters);
  RtpSession(const RtpSession&) = delete;
  RtpSession& operator=(const RtpSession&) = delete;

  EndpointId id() const { return id_; }
  int rtp_fd() const { return sockets_.rtp.fd(); }
  int rtcp_fd() const { return sockets_.rtcp.fd(); }

  void set_remote(const RemoteMedia& remote, std::int64_t now_ms);

  // Socket readiness; `now_us` is the steady clock, `batch` the worker's receive buffers.
  void on_rtp_readable(std::int64_t now_us, ReceiveBatch& batch);
  void on_rtcp_readable(std::int64_t now_us, ReceiveBatch& batch);

  // Tick, first half: the peer's next 20 ms of audio into input(), DTMF timeouts, in-band
  // detection.
  void receive_frame(std::int64_t now_ms);
  const std::int16_t* input() const { return input_.data(); }
  // What the peer will hear this tick: the mixer writes it, the player overrides it.
  std::int16_t* output() { return output_.data(); }
  void clear_output() { output_.fill(0); }
  // Tick, second half: player, encoding, DTMF, sending, RTCP, media timeout.
  void send_frame(std::int64_t now_ms);

  void play(PlaybackId playback, PlayRequest request);
  void stop_playback(PlaybackEnd reason);
  bool queue_dtmf(std::string_view digits, int duration_ms, int pause_ms);
  // A digit learned outside RTP (SIP INFO): reported like any other, with barge-in.
  void inject_digit(char digit, int duration_ms, DtmfSource source, std::int64_t now_ms);
  // Final statistics and a pending playback's end; the sockets close with the object.
  void close();

  StreamStats stats() const;
  MixerId mixer() const { return mixer_; }
  void set_mixer(MixerId mixer) { mixer_ = mixer; }

 private:
  void handle_rtp(std::span<const std::uint8_t> datagram, const SocketAddress& from,
                  std::int64_t now_us);
  void handle_rtcp(std::span<const std::uint8_t> datagram, const SocketAddress& from,
                   std::int64_t now_us);
  bool accept_rtp_source(const SocketAddress& from, std::uint8_t payload_type);
  void on_new_source(std::uint32_t ssrc, std::uint16_t sequence);
  void report_digit(char digit, int duration_ms, DtmfSource source, std::int64_t started_steady_ms,
                    std::int64_t now_ms);
  void send_packet(const RtpHeader& header, std::span<const std::uint8_t> payload);
  void send_rtcp();
  bool can_send() const;
  bool expects_media() const;

  const EndpointId id_;
  RtpSocketPair sockets_;
  const EndpointSettings settings_;
  MediaEventQueue& events_;
  WorkerCounters& counters_;
  std::string cname_;

  // Peer and negotiated parameters.
  std::optional<RemoteMedia> remote_;
  std::unique_ptr<AudioCodec> decoder_;
  std::unique_ptr<AudioCodec> encoder_;
  int samples_per_packet_ = static_cast<int>(kFrameSamples);
  SocketAddress rtp_peer_;  // where we send RTP (signalled, then learned)
  SocketAddress rtcp_peer_;
  bool rtp_latched_ = false;
  bool rtcp_latched_ = false;

  // Receive side.
  bool have_source_ = false;
  std::uint32_t source_ssrc_ = 0;
  RtpReceiveStats receive_stats_;
  std::int64_t previous_sources_expected_ = 0;
  std::int64_t previous_sources_lost_ = 0;
  std::uint64_t previous_sources_received_ = 0;
  std::uint32_t source_changes_ = 0;
  std::uint32_t max_jitter_ = 0;
  std::uint64_t packets_received_ = 0;
  std::uint64_t dropped_malformed_ = 0;
  std::uint64_t dropped_unknown_source_ = 0;
  std::uint64_t dropped_unknown_payload_ = 0;
  JitterBuffer jitter_buffer_;
  Rfc4733Receiver dtmf_receiver_;
  std::optional<InbandDtmfDetector> inband_detector_;
  std::array<std::int16_t, kFrameSamples> input_{};
  std::int64_t last_received_ms_ = 0;
  bool timed_out_ = false;

  // RTCP from the peer.
  bool have_sender_report_ = false;
  std::uint32_t last_sr_middle_ = 0;  // middle 32 bits of the peer's last SR NTP time
  std::int64_t last_sr_received_us_ = 0;
  std::optional<RtcpReportBlock> remote_block_;
  double round_trip_ms_ = 0;
  std::int64_t next_rtcp_ms_ = 0;

  // Send side.
  std::uint32_t ssrc_ = 0;
  std::uint16_t sequence_ = 0;
  std::uint32_t timestamp_ = 0;
  bool first_packet_ = true;
  std::uint64_t packets_sent_ = 0;
  std::uint64_t octets_sent_ = 0;
  std::array<std::int16_t, kMaxPayloadBytes + kFrameSamples> pending_{};
  std::size_t pending_size_ = 0;
  std::array<std::int16_t, kFrameSamples> output_{};
  std::array<std::uint8_t, kMaxPayloadBytes> payload_{};
  std::array<std::uint8_t, kMaxDatagramBytes> packet_{};
  Rfc4733Sender dtmf_sender_;

  Player player_;
  PlaybackId playback_ = 0;
  MixerId mixer_ = 0;
};

}  // namespace hotline::media
