#pragma once
// SDP offer/answer for one leg against its media endpoint: every SDP we send carries the
// leg's own anchored RTP port, so the two sides of a call never see each other's addresses.
#include <string>

#include "call/call_model.hpp"
#include "common/result.hpp"
#include "media/media_engine.hpp"

namespace hotline::call {

// Creates the leg's endpoint (next to `colocate_with` when given: bridged legs must share a
// media worker).
Status open_leg_media(media::MediaEngine& engine, Leg& leg, const std::string& local_address,
                      media::EndpointId colocate_with);
// Answers the peer's offer: negotiates, points the endpoint at the peer, returns our SDP.
// Errors: "sdp_invalid", "sdp_no_common_codec".
Result<std::string> answer_offer(media::MediaEngine& engine, Leg& leg, const std::string& offer);
// Our offer for an INVITE we send (kept in leg.our_offer for the answer).
std::string make_offer_body(Leg& leg);
// Reads the peer's answer to our offer and points the endpoint at the peer.
Status accept_answer_body(media::MediaEngine& engine, Leg& leg, const std::string& answer);
// True when the peer's latest SDP puts us on hold (sendonly or inactive, or address 0.0.0.0).
bool offer_is_hold(const std::string& body);

}  // namespace hotline::call
