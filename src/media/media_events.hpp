#pragma once
// Identifiers and the events the media engine reports to the control thread.
#include <cstdint>
#include <string>
#include <variant>

#include "common/clock.hpp"

namespace hotline::media {

using EndpointId = std::uint64_t;  // 0 is never used
using MixerId = std::uint64_t;
using RecordingId = std::uint64_t;
using PlaybackId = std::uint64_t;

enum class DtmfSource { rfc4733, inband, sip_info };

struct DtmfReceived {
  EndpointId endpoint = 0;
  char digit = 0;
  DtmfSource source = DtmfSource::rfc4733;
  int duration_ms = 0;  // 0 when unknown (in-band, some INFO bodies)
  EpochMs at = 0;       // wall clock when the key press started (or was detected)
};

enum class PlaybackEnd { completed, stopped, barged_in, replaced, endpoint_closed };

struct PlaybackFinished {
  EndpointId endpoint = 0;
  PlaybackId playback = 0;
  PlaybackEnd reason = PlaybackEnd::completed;
  char digit = 0;  // the digit that barged in
  EpochMs at = 0;
};

// No RTP from the peer for the configured time. Reported once per silence; `resumed` events
// follow when packets come back.
struct MediaTimeout {
  EndpointId endpoint = 0;
  int silent_ms = 0;
  bool resumed = false;
  EpochMs at = 0;
};

// Receive-side quality of one endpoint, plus what the peer reported about our stream.
struct StreamStats {
  std::uint64_t packets_received = 0;
  std::uint64_t packets_sent = 0;
  std::uint64_t octets_sent = 0;
  std::int64_t packets_expected = 0;
  std::int64_t packets_lost = 0;
  double loss_percent = 0;
  double jitter_ms = 0;  // RFC 3550 interarrival jitter of the current source
  double max_jitter_ms = 0;
  std::uint32_t source_changes = 0;
  bool remote_report = false;      // the fields below are from the peer's last RTCP report
  double remote_loss_percent = 0;  // fraction lost in the peer's last interval
  std::int32_t remote_packets_lost = 0;
  double remote_jitter_ms = 0;
  double round_trip_ms = 0;  // 0 when unknown
  std::uint64_t dropped_malformed = 0;
  std::uint64_t dropped_unknown_source = 0;
  std::uint64_t dropped_unknown_payload = 0;
  std::uint64_t jitter_buffer_late = 0;
  std::uint64_t jitter_buffer_overflow = 0;  // dropped to bound latency (overflow or trim)
};

// Sent every RTCP interval while the endpoint runs and once (final) when it is destroyed:
// the final one is what goes into the call record.
struct RtcpStatsReport {
  EndpointId endpoint = 0;
  bool final = false;
  StreamStats stats;
  EpochMs at = 0;
};

enum class RecordingFormat { wav, mp3, opus };

struct RecordingFinished {
  RecordingId recording = 0;
  std::string wav_path;   // removed after successful compression unless kept
  std::string file_path;  // the file to keep: compressed, or the WAV itself
  RecordingFormat format = RecordingFormat::wav;
  std::int64_t duration_ms = 0;
  std::string sha256;  // hex digest of file_path's contents
  std::uint64_t bytes = 0;
  std::uint64_t dropped_frames = 0;  // frames lost because the writer fell behind
  std::string error;                 // empty on success
};

// A command that could not be carried out on the worker (the control side checks what it can
// before queueing).
struct MediaError {
  EndpointId endpoint = 0;
  std::string code;
  std::string message;
};

using MediaEvent = std::variant<DtmfReceived, PlaybackFinished, MediaTimeout, RtcpStatsReport,
                                RecordingFinished, MediaError>;

}  // namespace hotline::media
