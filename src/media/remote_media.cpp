#include "media/remote_media.hpp"

#include "media/media_constants.hpp"

namespace hotline::media {

Result<RemoteMedia> make_remote_media(const NegotiatedMedia& negotiated) {
  if (!negotiated.codec || negotiated.payload_type < 0 || negotiated.payload_type > 127)
    return Error{"sdp_no_common_codec", "no codec negotiated"};
  auto rtp = SocketAddress::parse(negotiated.remote_address, negotiated.remote_rtp_port);
  if (!rtp) return rtp.error();
  auto rtcp = SocketAddress::parse(negotiated.remote_address, negotiated.remote_rtcp_port);
  if (!rtcp) return rtcp.error();
  RemoteMedia remote;
  remote.rtp = *rtp;
  remote.rtcp = *rtcp;
  remote.codec = negotiated.codec;
  remote.payload_type = negotiated.payload_type;
  remote.telephone_event_payload_type = negotiated.telephone_event_payload_type;
  remote.ptime_ms = is_supported_ptime(negotiated.ptime_ms) ? negotiated.ptime_ms : kDefaultPtimeMs;
  remote.direction = negotiated.direction;
  return remote;
}

}  // namespace hotline::media
