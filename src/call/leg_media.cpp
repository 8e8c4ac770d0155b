#include "call/leg_media.hpp"

#include "common/random.hpp"
#include "media/sdp.hpp"
#include "media/sdp_negotiation.hpp"

namespace hotline::call {

namespace {

std::string build(Leg& leg, const media::SdpAudio& audio) {
  if (leg.sdp_session == 0) {
    const auto token = random_token(4);
    leg.sdp_session = std::hash<std::string>{}(token)&0x7fffffffffffULL;
    if (leg.sdp_session == 0) leg.sdp_session = 1;
  }
  leg.sdp_version += 1;
  leg.last_local_sdp = media::build_sdp(audio, {leg.sdp_session, leg.sdp_version});
  return leg.last_local_sdp;
}

media::LocalMediaAddress local_of(const Leg& leg) {
  return {leg.local_address, leg.local_address.find(':') != std::string::npos,
          leg.endpoint.rtp_port};
}

}  // namespace

Status open_leg_media(media::MediaEngine& engine, Leg& leg, const std::string& local_address,
                      media::EndpointId colocate_with) {
  media::EndpointOptions options;
  options.ipv6 = local_address.find(':') != std::string::npos;
  options.colocate_with = colocate_with;
  auto endpoint = engine.create_endpoint(options);
  if (!endpoint) return endpoint.error();
  leg.endpoint = *endpoint;
  leg.local_address = local_address;
  return ok_status();
}

Result<std::string> answer_offer(media::MediaEngine& engine, Leg& leg, const std::string& offer) {
  auto parsed = media::parse_sdp_audio(offer);
  if (!parsed) return parsed.error();
  auto negotiated = media::negotiate_answer(*parsed, {});
  if (!negotiated) return negotiated.error();
  leg.negotiated = *negotiated;
  leg.held_by_peer = parsed->direction == media::MediaDirection::sendonly ||
                     parsed->direction == media::MediaDirection::inactive ||
                     parsed->address == "0.0.0.0";
  if (parsed->port != 0 && parsed->address != "0.0.0.0") {
    if (auto set = engine.set_remote(leg.endpoint.id, leg.negotiated); !set) return set.error();
    leg.media_ready = true;
  }
  return build(leg, media::make_answer(leg.negotiated, local_of(leg)));
}

std::string make_offer_body(Leg& leg) {
  leg.our_offer = media::make_offer({}, local_of(leg));
  return build(leg, leg.our_offer);
}

Status accept_answer_body(media::MediaEngine& engine, Leg& leg, const std::string& answer) {
  auto parsed = media::parse_sdp_audio(answer);
  if (!parsed) return parsed.error();
  auto negotiated = media::accept_answer(leg.our_offer, *parsed);
  if (!negotiated) return negotiated.error();
  leg.negotiated = *negotiated;
  if (parsed->port != 0 && parsed->address != "0.0.0.0") {
    if (auto set = engine.set_remote(leg.endpoint.id, leg.negotiated); !set) return set.error();
    leg.media_ready = true;
  }
  return ok_status();
}

bool offer_is_hold(const std::string& body) {
  auto parsed = media::parse_sdp_audio(body);
  if (!parsed) return false;
  return parsed->direction == media::MediaDirection::sendonly ||
         parsed->direction == media::MediaDirection::inactive || parsed->address == "0.0.0.0";
}

}  // namespace hotline::call
