#include "media/sdp.hpp"

#include <gtest/gtest.h>

#include "media/sdp_negotiation.hpp"

namespace hotline::media {
namespace {

// As a typical desk phone offers it.
constexpr const char* kPhoneOffer =
    "v=0\r\n"
    "o=- 3900000000 3900000001 IN IP4 192.168.1.20\r\n"
    "s=-\r\n"
    "c=IN IP4 192.168.1.20\r\n"
    "t=0 0\r\n"
    "m=audio 11780 RTP/AVP 0 8 18 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:18 G729/8000\r\n"
    "a=fmtp:18 annexb=no\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=ptime:20\r\n"
    "a=sendrecv\r\n";

TEST(Sdp, ParsesAPhoneOffer) {
  const auto audio = parse_sdp_audio(kPhoneOffer);
  ASSERT_TRUE(audio) << audio.error().message;
  EXPECT_EQ(audio->address, "192.168.1.20");
  EXPECT_FALSE(audio->ipv6);
  EXPECT_EQ(audio->port, 11780);
  ASSERT_EQ(audio->payloads.size(), 4u);
  EXPECT_EQ(audio->payloads[0].encoding, "PCMU");
  EXPECT_EQ(audio->payloads[2].fmtp, "annexb=no");
  EXPECT_EQ(audio->payloads[3].encoding, "telephone-event");
  EXPECT_EQ(audio->payloads[3].fmtp, "0-15");
  EXPECT_EQ(audio->ptime_ms, 20);
  EXPECT_EQ(audio->direction, MediaDirection::sendrecv);
  EXPECT_EQ(audio->rtcp_port, 0);
}

TEST(Sdp, MediaLevelLinesWinAndStaticTypesNeedNoRtpmap) {
  const auto audio = parse_sdp_audio(
      "v=0\nc=IN IP4 10.0.0.1\na=sendonly\nt=0 0\nm=video 5000 RTP/AVP 96\nc=IN IP4 10.9.9.9\n"
      "m=audio 7078 RTP/AVP 8\nc=IN IP6 2001:db8::5\na=rtcp:7081\na=inactive\n"
      "m=audio 9000 RTP/AVP 0\n");
  ASSERT_TRUE(audio) << audio.error().message;
  EXPECT_EQ(audio->address, "2001:db8::5");
  EXPECT_TRUE(audio->ipv6);
  EXPECT_EQ(audio->port, 7078);
  ASSERT_EQ(audio->payloads.size(), 1u);
  EXPECT_EQ(audio->payloads[0].encoding, "PCMA");
  EXPECT_EQ(audio->rtcp_port, 7081);
  EXPECT_EQ(audio->direction, MediaDirection::inactive);
}

TEST(Sdp, SessionLevelDirectionApplies) {
  const auto audio =
      parse_sdp_audio("v=0\r\nc=IN IP4 10.0.0.1\r\na=sendonly\r\nm=audio 4000 RTP/AVP 0\r\n");
  ASSERT_TRUE(audio);
  EXPECT_EQ(audio->direction, MediaDirection::sendonly);
}

TEST(Sdp, RejectsBrokenBodies) {
  EXPECT_FALSE(parse_sdp_audio("v=0\r\nc=IN IP4 1.2.3.4\r\n"));                         // no audio
  EXPECT_FALSE(parse_sdp_audio("v=0\r\nm=audio 4000 RTP/AVP 0\r\n"));                   // no c=
  EXPECT_FALSE(parse_sdp_audio("c=IN IP4 1.2.3.4\r\nm=audio 99999 RTP/AVP 0\r\n"));     // port
  EXPECT_FALSE(parse_sdp_audio("c=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 0 300\r\n"));  // PT
  EXPECT_FALSE(parse_sdp_audio("c=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/SAVP 0\r\n"));     // SRTP
  EXPECT_FALSE(parse_sdp_audio("c=IN XX 1.2.3.4\r\nm=audio 4000 RTP/AVP 0\r\n"));       // c=
  EXPECT_FALSE(parse_sdp_audio(std::string(70000, 'a')));
  // Garbage lines and attributes for unknown payload types are ignored, not fatal.
  EXPECT_TRUE(
      parse_sdp_audio("c=IN IP4 1.2.3.4\r\nxx\r\nm=audio 4000 RTP/AVP 0\r\n"
                      "a=rtpmap:99 foo/8000\r\na=rtpmap:0\r\na=ptime:abc\r\n"));
}

TEST(Sdp, BuildThenParseRoundTrips) {
  const auto offer = make_offer(MediaCapabilities{}, LocalMediaAddress{"127.0.0.1", false, 20000});
  const std::string body = build_sdp(offer, SdpOrigin{42, 1});
  EXPECT_NE(body.find("m=audio 20000 RTP/AVP 8 0 101\r\n"), std::string::npos) << body;
  EXPECT_NE(body.find("a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"),
            std::string::npos);
  EXPECT_NE(body.find("a=ptime:20\r\n"), std::string::npos);
  const auto parsed = parse_sdp_audio(body);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->port, 20000);
  ASSERT_EQ(parsed->payloads.size(), 3u);
  EXPECT_EQ(parsed->payloads[0].encoding, "PCMA");
  EXPECT_EQ(parsed->payloads[1].encoding, "PCMU");
}

TEST(SdpNegotiation, AnswersWithTheFirstOfferedCodecWeSupport) {
  const auto offer = parse_sdp_audio(kPhoneOffer);
  ASSERT_TRUE(offer);
  const auto negotiated = negotiate_answer(*offer, MediaCapabilities{});
  ASSERT_TRUE(negotiated) << negotiated.error().message;
  EXPECT_EQ(negotiated->codec, &pcmu_codec());
  EXPECT_EQ(negotiated->payload_type, 0);
  EXPECT_EQ(negotiated->telephone_event_payload_type, 101);
  EXPECT_EQ(negotiated->ptime_ms, 20);
  EXPECT_EQ(negotiated->remote_address, "192.168.1.20");
  EXPECT_EQ(negotiated->remote_rtp_port, 11780);
  EXPECT_EQ(negotiated->remote_rtcp_port, 11781);

  const auto answer = make_answer(*negotiated, LocalMediaAddress{"10.0.0.2", false, 30000});
  ASSERT_EQ(answer.payloads.size(), 2u);
  EXPECT_EQ(answer.payloads[0].payload_type, 0);
  EXPECT_EQ(answer.payloads[1].payload_type, 101);
  EXPECT_EQ(answer.direction, MediaDirection::sendrecv);
}

TEST(SdpNegotiation, HonoursOurCodecListPtimeAndDirection) {
  auto offer = parse_sdp_audio(kPhoneOffer);
  ASSERT_TRUE(offer);
  offer->ptime_ms = 30;
  offer->direction = MediaDirection::sendonly;  // the phone put us on hold
  MediaCapabilities only_pcma;
  only_pcma.codecs = {&pcma_codec()};
  only_pcma.telephone_event = false;
  const auto negotiated = negotiate_answer(*offer, only_pcma);
  ASSERT_TRUE(negotiated);
  EXPECT_EQ(negotiated->codec, &pcma_codec());
  EXPECT_EQ(negotiated->telephone_event_payload_type, -1);
  EXPECT_EQ(negotiated->ptime_ms, 30);
  EXPECT_EQ(negotiated->direction, MediaDirection::recvonly);

  offer->ptime_ms = 40;  // not one we take: we send 20 ms
  EXPECT_EQ(negotiate_answer(*offer, only_pcma)->ptime_ms, 20);
}

TEST(SdpNegotiation, FailsWithoutACommonCodec) {
  const auto offer = parse_sdp_audio(
      "c=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 18 101\r\n"
      "a=rtpmap:18 G729/8000\r\na=rtpmap:101 telephone-event/8000\r\n");
  ASSERT_TRUE(offer);
  const auto negotiated = negotiate_answer(*offer, MediaCapabilities{});
  ASSERT_FALSE(negotiated);
  EXPECT_EQ(negotiated.error().code, "sdp_no_common_codec");
}

TEST(SdpNegotiation, AcceptsAnAnswerToOurOffer) {
  const auto offer = make_offer(MediaCapabilities{}, LocalMediaAddress{"127.0.0.1", false, 20000});
  const auto answer = parse_sdp_audio(
      "v=0\r\nc=IN IP4 127.0.0.5\r\nm=audio 6000 RTP/AVP 0 96\r\na=rtpmap:96 "
      "telephone-event/8000\r\n"
      "a=ptime:10\r\n");
  ASSERT_TRUE(answer);
  const auto negotiated = accept_answer(offer, *answer);
  ASSERT_TRUE(negotiated) << negotiated.error().message;
  EXPECT_EQ(negotiated->codec, &pcmu_codec());
  EXPECT_EQ(negotiated->telephone_event_payload_type, 96);  // the answerer's number is used
  EXPECT_EQ(negotiated->ptime_ms, 10);
  EXPECT_EQ(negotiated->remote_rtp_port, 6000);

  const auto bad = parse_sdp_audio("c=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 18\r\n");
  ASSERT_TRUE(bad);
  EXPECT_FALSE(accept_answer(offer, *bad));
}

}  // namespace
}  // namespace hotline::media
