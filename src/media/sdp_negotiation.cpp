#include "media/sdp_negotiation.hpp"

#include <algorithm>
#include <cctype>

#include "media/media_constants.hpp"

namespace hotline::media {

namespace {

constexpr std::string_view kTelephoneEvent = "telephone-event";
constexpr std::string_view kTelephoneEventEvents = "0-16";

bool is_telephone_event(const SdpPayload& payload) {
  std::string name = payload.encoding;
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name == kTelephoneEvent;
}

std::vector<const CodecDescriptor*> preferred_codecs(const MediaCapabilities& capabilities) {
  if (!capabilities.codecs.empty()) return capabilities.codecs;
  std::vector<const CodecDescriptor*> all;
  for (const auto& codec : codec_table()) all.push_back(&codec);
  return all;
}

int agreed_ptime(int offered_ptime, int fallback) {
  if (is_supported_ptime(offered_ptime)) return offered_ptime;
  return is_supported_ptime(fallback) ? fallback : kDefaultPtimeMs;
}

void fill_remote(NegotiatedMedia& negotiated, const SdpAudio& remote) {
  negotiated.remote_address = remote.address;
  negotiated.remote_ipv6 = remote.ipv6;
  negotiated.remote_rtp_port = remote.port;
  negotiated.remote_rtcp_port =
      remote.rtcp_port != 0 ? remote.rtcp_port
                            : static_cast<std::uint16_t>(remote.port == 0 ? 0 : remote.port + 1);
}

}  // namespace

SdpAudio make_offer(const MediaCapabilities& capabilities, const LocalMediaAddress& local) {
  SdpAudio offer;
  offer.address = local.address;
  offer.ipv6 = local.ipv6;
  offer.port = local.rtp_port;
  offer.ptime_ms = agreed_ptime(capabilities.ptime_ms, kDefaultPtimeMs);
  int next_dynamic = 96;
  for (const auto* codec : preferred_codecs(capabilities)) {
    SdpPayload payload;
    payload.payload_type =
        codec->static_payload_type >= 0 ? codec->static_payload_type : next_dynamic++;
    payload.encoding = std::string(codec->name);
    payload.clock_rate = codec->rtp_clock_rate;
    payload.channels = codec->channels;
    offer.payloads.push_back(std::move(payload));
  }
  if (capabilities.telephone_event) {
    offer.payloads.push_back(SdpPayload{capabilities.telephone_event_payload_type,
                                        std::string(kTelephoneEvent), kSampleRate, 1,
                                        std::string(kTelephoneEventEvents)});
  }
  return offer;
}

Result<NegotiatedMedia> negotiate_answer(const SdpAudio& offer,
                                         const MediaCapabilities& capabilities) {
  const auto ours = preferred_codecs(capabilities);
  NegotiatedMedia negotiated;
  for (const auto& payload : offer.payloads) {
    const auto* codec = find_codec(payload.encoding, payload.clock_rate);
    if (!codec || std::find(ours.begin(), ours.end(), codec) == ours.end()) continue;
    negotiated.codec = codec;
    negotiated.payload_type = payload.payload_type;
    break;
  }
  if (!negotiated.codec) return Error{"sdp_no_common_codec", "no offered audio codec is supported"};
  if (capabilities.telephone_event) {
    for (const auto& payload : offer.payloads) {
      if (is_telephone_event(payload) && payload.clock_rate == negotiated.codec->rtp_clock_rate) {
        negotiated.telephone_event_payload_type = payload.payload_type;
        break;
      }
    }
  }
  negotiated.ptime_ms = agreed_ptime(offer.ptime_ms, capabilities.ptime_ms);
  negotiated.direction = reverse(offer.direction);
  fill_remote(negotiated, offer);
  return negotiated;
}

SdpAudio make_answer(const NegotiatedMedia& negotiated, const LocalMediaAddress& local) {
  SdpAudio answer;
  answer.address = local.address;
  answer.ipv6 = local.ipv6;
  answer.port = local.rtp_port;
  answer.ptime_ms = negotiated.ptime_ms;
  answer.direction = negotiated.direction;
  if (negotiated.codec) {
    answer.payloads.push_back(SdpPayload{negotiated.payload_type,
                                         std::string(negotiated.codec->name),
                                         negotiated.codec->rtp_clock_rate,
                                         negotiated.codec->channels,
                                         {}});
  }
  if (negotiated.telephone_event_payload_type >= 0) {
    answer.payloads.push_back(SdpPayload{negotiated.telephone_event_payload_type,
                                         std::string(kTelephoneEvent), kSampleRate, 1,
                                         std::string(kTelephoneEventEvents)});
  }
  return answer;
}

Result<NegotiatedMedia> accept_answer(const SdpAudio& our_offer, const SdpAudio& answer) {
  NegotiatedMedia negotiated;
  for (const auto& payload : answer.payloads) {
    const auto* codec = find_codec(payload.encoding, payload.clock_rate);
    if (!codec) continue;
    const bool offered = std::any_of(our_offer.payloads.begin(), our_offer.payloads.end(),
                                     [&](const SdpPayload& ours) {
                                       return find_codec(ours.encoding, ours.clock_rate) == codec;
                                     });
    if (!offered) continue;
    negotiated.codec = codec;
    negotiated.payload_type = payload.payload_type;
    break;
  }
  if (!negotiated.codec)
    return Error{"sdp_no_common_codec", "the answer picked no codec from the offer"};
  const bool we_offered_events =
      std::any_of(our_offer.payloads.begin(), our_offer.payloads.end(),
                  [](const SdpPayload& p) { return is_telephone_event(p); });
  if (we_offered_events) {
    for (const auto& payload : answer.payloads) {
      if (is_telephone_event(payload)) {
        negotiated.telephone_event_payload_type = payload.payload_type;
        break;
      }
    }
  }
  negotiated.ptime_ms = agreed_ptime(answer.ptime_ms, our_offer.ptime_ms);
  negotiated.direction = reverse(answer.direction);
  fill_remote(negotiated, answer);
  return negotiated;
}

}  // namespace hotline::media
