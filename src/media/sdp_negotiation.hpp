#pragma once
// RFC 3264 offer/answer for audio: build our offer, answer a peer's offer, and read the
// peer's answer to ours, ending in the parameters a media endpoint needs.
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "media/audio_codec.hpp"
#include "media/sdp.hpp"

namespace hotline::media {

struct MediaCapabilities {
  std::vector<const CodecDescriptor*> codecs;  // our preference order; empty: the codec table
  bool telephone_event = true;
  int telephone_event_payload_type = 101;  // used in our offers
  int ptime_ms = 20;
};

// What both sides agreed on, from our point of view.
struct NegotiatedMedia {
  const CodecDescriptor* codec = nullptr;
  int payload_type = -1;
  int telephone_event_payload_type = -1;  // -1: no RFC 4733 events, fall back to in-band
  int ptime_ms = 20;                      // what we send; we accept 10/20/30 in any case
  std::string remote_address;
  bool remote_ipv6 = false;
  std::uint16_t remote_rtp_port = 0;
  std::uint16_t remote_rtcp_port = 0;
  MediaDirection direction = MediaDirection::sendrecv;  // our direction
};

struct LocalMediaAddress {
  std::string address;
  bool ipv6 = false;
  std::uint16_t rtp_port = 0;
};

SdpAudio make_offer(const MediaCapabilities& capabilities, const LocalMediaAddress& local);
// Picks the first offered codec we support. Error "sdp_no_common_codec" when there is none.
Result<NegotiatedMedia> negotiate_answer(const SdpAudio& offer,
                                         const MediaCapabilities& capabilities);
SdpAudio make_answer(const NegotiatedMedia& negotiated, const LocalMediaAddress& local);
// Reads the peer's answer to our offer; the answer must pick a codec we offered.
Result<NegotiatedMedia> accept_answer(const SdpAudio& our_offer, const SdpAudio& answer);

}  // namespace hotline::media
