#include "media/player.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <vector>

#include "media/prompt_cache.hpp"
#include "media/resampler.hpp"
#include "media/tone_generator.hpp"
#include "wav_file.hpp"

namespace hotline::media {
namespace {

double rms(std::span<const std::int16_t> samples) {
  double sum = 0;
  for (const auto s : samples) sum += static_cast<double>(s) * s;
  return samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(samples.size()));
}

// Energy of one frequency (Goertzel), normalised to amplitude.
double tone_amplitude(std::span<const std::int16_t> samples, double frequency, int rate) {
  const double k = 2.0 * std::cos(2.0 * std::numbers::pi * frequency / rate);
  double s1 = 0, s2 = 0;
  for (const auto x : samples) {
    const double s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return 2.0 * std::sqrt(std::max(power, 0.0)) / static_cast<double>(samples.size());
}

std::vector<std::int16_t> sine(double frequency, int rate, int samples, double amplitude) {
  std::vector<std::int16_t> out(static_cast<std::size_t>(samples));
  for (int i = 0; i < samples; ++i)
    out[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(
        amplitude * std::sin(2.0 * std::numbers::pi * frequency * i / rate));
  return out;
}

// Which 20 ms frames of `seconds` carry tone.
std::vector<bool> cadence_of(const ToneSpec& spec, int seconds) {
  ToneGenerator generator(spec);
  std::vector<bool> on;
  std::array<std::int16_t, kFrameSamples> frame{};
  for (int i = 0; i < seconds * 50; ++i) {
    generator.fill(frame);
    on.push_back(rms(frame) > 1000);
  }
  return on;
}

TEST(ToneGenerator, ChineseRingbackIsOneSecondOnFourOff) {
  const auto on = cadence_of(tones::ringback(), 10);
  for (int frame = 0; frame < 500; ++frame) EXPECT_EQ(on[frame], frame % 250 < 50) << frame;
}

TEST(ToneGenerator, ChineseBusyIs350MsOn350MsOff) {
  ToneGenerator busy(tones::busy());
  std::vector<std::int16_t> audio(8000 * 2);
  busy.fill(audio);
  // 350 ms = 2800 samples: check the middle of each on/off period.
  for (int period = 0; period < 5; ++period) {
    const auto start = static_cast<std::size_t>(period * 2800);
    EXPECT_EQ(rms(std::span(audio).subspan(start + 400, 2000)) > 1000, period % 2 == 0) << period;
  }
}

TEST(ToneGenerator, DialToneIsContinuous450HzAtMinus10Dbm0) {
  ToneGenerator dial(tones::dial());
  std::vector<std::int16_t> audio(8000);
  dial.fill(audio);
  const double amplitude = tone_amplitude(audio, 450, 8000);
  EXPECT_NEAR(amplitude, 32767.0 * std::pow(10.0, (-10 - 3.14) / 20.0), 200);
  EXPECT_LT(tone_amplitude(audio, 1000, 8000), 100);
  EXPECT_GT(rms(std::span(audio).subspan(7000)), 1000);
}

TEST(Resampler, SixteenToEightKeepsTheBandAndRemovesAliases) {
  const auto low = resample(sine(1000, 16000, 16000, 10000), 16000, 8000);
  ASSERT_EQ(low.size(), 8000u);
  EXPECT_NEAR(tone_amplitude(std::span(low).subspan(1000, 6000), 1000, 8000), 10000, 300);
  // 6 kHz would fold to 2 kHz at 8 kHz: it must be filtered out.
  const auto high = resample(sine(6000, 16000, 16000, 10000), 16000, 8000);
  EXPECT_LT(tone_amplitude(std::span(high).subspan(1000, 6000), 2000, 8000), 100);
  EXPECT_LT(rms(std::span(high).subspan(1000, 6000)), 200);
}

TEST(Resampler, HandlesTtsRatesAndIdentity) {
  const auto tts = resample(sine(440, 22050, 22050, 8000), 22050, 8000);
  EXPECT_NEAR(static_cast<double>(tts.size()), 8000, 1);
  EXPECT_NEAR(tone_amplitude(std::span(tts).subspan(1000, 6000), 440, 8000), 8000, 300);
  const std::vector<std::int16_t> same = {1, 2, 3};
  EXPECT_EQ(resample(same, 8000, 8000), same);
  EXPECT_TRUE(resample(same, 0, 8000).empty());
}

class PromptFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("hotline-media-player-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

TEST_F(PromptFiles, LoadsEightAndSixteenKilohertzMonoAndCachesThem) {
  const auto eight = sine(500, 8000, 4000, 5000);
  testing::write_wav((dir / "p8.wav").string(), 8000, 1, eight);
  testing::write_wav((dir / "p16.wav").string(), 16000, 1, sine(500, 16000, 8000, 5000));
  testing::write_wav((dir / "stereo.wav").string(), 8000, 2, eight);

  PromptCache cache;
  const auto p8 = cache.get((dir / "p8.wav").string());
  ASSERT_TRUE(p8) << p8.error().message;
  EXPECT_EQ((*p8)->samples, eight);  // 8 kHz prompts are taken as they are
  const auto p16 = cache.get((dir / "p16.wav").string());
  ASSERT_TRUE(p16);
  EXPECT_EQ((*p16)->samples.size(), 4000u);
  EXPECT_NEAR(tone_amplitude(std::span((*p16)->samples).subspan(500, 3000), 500, 8000), 5000, 200);
  EXPECT_EQ(cache.size(), 2u);
  const auto again = cache.get((dir / "p8.wav").string());
  EXPECT_EQ(again->get(), p8->get());  // same decoded copy

  const auto stereo = cache.get((dir / "stereo.wav").string());
  ASSERT_FALSE(stereo);
  EXPECT_EQ(stereo.error().code, "prompt_format");
  EXPECT_FALSE(cache.get((dir / "missing.wav").string()));
  std::ofstream((dir / "junk.wav").string()) << "not a wav file";
  EXPECT_FALSE(cache.get((dir / "junk.wav").string()));
}

AudioClipPtr clip_of(std::vector<std::int16_t> samples) {
  auto clip = std::make_shared<AudioClip>();
  clip->samples = std::move(samples);
  return clip;
}

std::vector<std::int16_t> ramp(int count, int start) {
  std::vector<std::int16_t> out(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    out[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(start + i);
  return out;
}

TEST(Player, PlaysAPlaylistOfClipsAndSilenceThenFinishesOnce) {
  Player player;
  PlayRequest request;
  request.items = {PlaylistItem::of_clip(clip_of(ramp(200, 1))), PlaylistItem::of_silence(20),
                   PlaylistItem::of_clip(clip_of(ramp(100, 1000)))};
  player.start(std::move(request));
  std::array<std::int16_t, kFrameSamples> frame{};
  std::vector<std::int16_t> played;
  std::vector<Player::Tick> ticks;
  for (int i = 0; i < 5; ++i) {
    ticks.push_back(player.fill(frame));
    played.insert(played.end(), frame.begin(), frame.end());
  }
  // 200 + 160 + 100 samples = 460: three frames, the last one finishing the playlist.
  EXPECT_EQ(ticks[0], Player::Tick::playing);
  EXPECT_EQ(ticks[1], Player::Tick::playing);
  EXPECT_EQ(ticks[2], Player::Tick::finished);
  EXPECT_EQ(ticks[3], Player::Tick::idle);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(played[i], 1 + i);
  for (int i = 200; i < 360; ++i) EXPECT_EQ(played[i], 0);
  for (int i = 360; i < 460; ++i) EXPECT_EQ(played[i], 1000 + (i - 360));
  for (int i = 460; i < 800; ++i) EXPECT_EQ(played[i], 0);
}

TEST(Player, LoopsMusicOnHoldUntilStopped) {
  Player player;
  PlayRequest request;
  request.items = {PlaylistItem::of_clip(clip_of(ramp(50, 1)))};
  request.loop = true;
  player.start(std::move(request));
  std::array<std::int16_t, kFrameSamples> frame{};
  for (int i = 0; i < 100; ++i) ASSERT_EQ(player.fill(frame), Player::Tick::playing);
  EXPECT_EQ(frame[0], 1 + (99 * 160) % 50);
  player.stop();
  EXPECT_FALSE(player.active());
  EXPECT_EQ(player.fill(frame), Player::Tick::idle);
}

TEST(Player, EndlessToneAndEmptyLoopsTerminateSensibly) {
  Player player;
  PlayRequest tone;
  tone.items = {PlaylistItem::of_tone(tones::ringback())};
  tone.barge_in = true;
  player.start(std::move(tone));
  EXPECT_TRUE(player.barge_in());
  std::array<std::int16_t, kFrameSamples> frame{};
  for (int i = 0; i < 500; ++i) ASSERT_EQ(player.fill(frame), Player::Tick::playing);

  PlayRequest empty;
  empty.items = {PlaylistItem::of_clip(clip_of({}))};
  empty.loop = true;
  player.start(std::move(empty));
  EXPECT_EQ(player.fill(frame), Player::Tick::finished);  // a loop of nothing ends
}

}  // namespace
}  // namespace hotline::media
