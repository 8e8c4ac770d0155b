#include "media/audio_mixer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace hotline::media {
namespace {

using Frame = std::array<std::int16_t, kFrameSamples>;

Frame constant(std::int16_t value) {
  Frame frame;
  frame.fill(value);
  return frame;
}

// Caller 1, agent 2, supervisor 3, speaking 100, 1000 and 10000: every sum tells who is heard.
struct Call {
  Frame caller_in = constant(100), agent_in = constant(1000), supervisor_in = constant(10000);
  Frame caller_out{}, agent_out{}, supervisor_out{};

  void mix(PartyMode supervisor_mode, std::uint64_t supervisor_target = 0) {
    const std::vector<MixerParty> parties = {
        {1, PartyMode::speak_to_all, 0, caller_in.data(), caller_out.data()},
        {2, PartyMode::speak_to_all, 0, agent_in.data(), agent_out.data()},
        {3, supervisor_mode, supervisor_target, supervisor_in.data(), supervisor_out.data()},
    };
    mix_frame(parties);
  }
};

TEST(AudioMixer, TwoPartiesAreAPlainBridge) {
  Frame a_in{}, b_in{}, a_out{}, b_out{};
  for (std::size_t i = 0; i < kFrameSamples; ++i) {
    a_in[i] = static_cast<std::int16_t>(i * 100 - 8000);
    b_in[i] = static_cast<std::int16_t>(-static_cast<int>(i) * 3);
  }
  const std::vector<MixerParty> parties = {
      {1, PartyMode::speak_to_all, 0, a_in.data(), a_out.data()},
      {2, PartyMode::speak_to_all, 0, b_in.data(), b_out.data()}};
  mix_frame(parties);
  EXPECT_EQ(a_out, b_in);  // exactly the other side, nobody hears themselves
  EXPECT_EQ(b_out, a_in);
}

TEST(AudioMixer, SilentListenHearsAllAndIsHeardByNobody) {
  Call call;
  call.mix(PartyMode::speak_to_none);
  EXPECT_EQ(call.caller_out[0], 1000);
  EXPECT_EQ(call.agent_out[0], 100);
  EXPECT_EQ(call.supervisor_out[0], 1100);
}

TEST(AudioMixer, WhisperReachesOnlyTheAgent) {
  Call call;
  call.mix(PartyMode::speak_to_one, 2);
  EXPECT_EQ(call.caller_out[0], 1000);
  EXPECT_EQ(call.agent_out[0], 10100);
  EXPECT_EQ(call.supervisor_out[0], 1100);
}

TEST(AudioMixer, BargeInIsAThreeWayConference) {
  Call call;
  call.mix(PartyMode::speak_to_all);
  EXPECT_EQ(call.caller_out[0], 11000);
  EXPECT_EQ(call.agent_out[0], 10100);
  EXPECT_EQ(call.supervisor_out[0], 1100);
}

TEST(AudioMixer, SumsSaturateInsteadOfWrapping) {
  Frame loud = constant(30000), also_loud = constant(30000), listener_in = constant(0);
  Frame out1{}, out2{}, out3{};
  const std::vector<MixerParty> parties = {
      {1, PartyMode::speak_to_all, 0, loud.data(), out1.data()},
      {2, PartyMode::speak_to_all, 0, also_loud.data(), out2.data()},
      {3, PartyMode::speak_to_none, 0, listener_in.data(), out3.data()}};
  mix_frame(parties);
  EXPECT_EQ(out3[0], 32767);
  Frame negative = constant(-30000), negative2 = constant(-30000);
  const std::vector<MixerParty> negative_parties = {
      {1, PartyMode::speak_to_all, 0, negative.data(), out1.data()},
      {2, PartyMode::speak_to_all, 0, negative2.data(), out2.data()},
      {3, PartyMode::speak_to_none, 0, nullptr, out3.data()}};
  mix_frame(negative_parties);
  EXPECT_EQ(out3[0], -32768);
}

}  // namespace
}  // namespace hotline::media
