#pragma once
// The audio part of SDP (RFC 4566 / RFC 3264) as plain structs: parse a peer's body, build
// ours. Only what media needs: connection address, port, payload types with rtpmap/fmtp,
// ptime, direction and a=rtcp. Session-level lines other than c= are ignored on parse.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace hotline::media {

enum class MediaDirection { sendrecv, sendonly, recvonly, inactive };

std::string_view to_string(MediaDirection direction);
// What we answer to a peer's direction (sendonly -> recvonly and so on).
MediaDirection reverse(MediaDirection direction);

struct SdpPayload {
  int payload_type = 0;
  std::string encoding;  // as written in a=rtpmap (or implied by a static payload type)
  int clock_rate = 8000;
  int channels = 1;
  std::string fmtp;  // parameters after "a=fmtp:PT ", empty when absent
};

struct SdpAudio {
  std::string address;  // connection address (media-level c= wins over session-level)
  bool ipv6 = false;
  std::uint16_t port = 0;            // 0: stream rejected or disabled
  std::vector<SdpPayload> payloads;  // in m= line order, i.e. the sender's preference
  int ptime_ms = 0;                  // 0 when the body has no a=ptime
  MediaDirection direction = MediaDirection::sendrecv;
  std::uint16_t rtcp_port = 0;  // from a=rtcp; 0 means RTP port + 1
};

struct SdpOrigin {
  std::uint64_t session_id = 0;
  std::uint64_t version = 0;
};

// Parses the first m=audio section. Errors: "sdp_invalid" with a one-line reason.
Result<SdpAudio> parse_sdp_audio(std::string_view body);
// A complete SDP body (v, o, s, c, t, m and attributes) with CRLF line ends.
std::string build_sdp(const SdpAudio& audio, const SdpOrigin& origin);

}  // namespace hotline::media
