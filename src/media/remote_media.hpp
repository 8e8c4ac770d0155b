#pragma once
// What an endpoint needs to know about its peer, derived from the negotiated SDP.
#include <chrono>
#include <cstddef>

#include "common/result.hpp"
#include "media/audio_codec.hpp"
#include "media/jitter_buffer.hpp"
#include "media/sdp.hpp"
#include "media/sdp_negotiation.hpp"
#include "media/socket_address.hpp"

namespace hotline::media {

struct RemoteMedia {
  SocketAddress rtp;  // where the peer said it receives; replaced by what we learn (NAT)
  SocketAddress rtcp;
  const CodecDescriptor* codec = nullptr;
  int payload_type = -1;
  int telephone_event_payload_type = -1;
  int ptime_ms = 20;
  MediaDirection direction = MediaDirection::sendrecv;  // ours
};

// Errors: "bad_address" for a non-numeric connection address, "sdp_no_common_codec".
Result<RemoteMedia> make_remote_media(const NegotiatedMedia& negotiated);

enum class InbandDtmfMode {
  automatic,  // detect tones only when the peer did not negotiate telephone-event
  on,
  off,
};

struct EndpointSettings {
  std::chrono::milliseconds media_timeout{30000};
  std::chrono::milliseconds rtcp_interval{5000};
  JitterBufferPolicy jitter_buffer;
  InbandDtmfMode inband_dtmf = InbandDtmfMode::automatic;
};

}  // namespace hotline::media
