#include "media/prompt_import.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "media/file_digest.hpp"
#include "tone_analysis.hpp"

namespace hotline::media {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "prompt-import-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// One channel of `seconds` of a sine (0 Hz gives silence), as floats in [-1, 1].
std::vector<float> sine(double freq_hz, double seconds, int rate, double amplitude) {
  std::vector<float> out(static_cast<std::size_t>(seconds * rate));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<float>(
        amplitude * std::sin(2 * std::numbers::pi * freq_hz * static_cast<double>(i) / rate));
  return out;
}

std::vector<float> interleave(const std::vector<float>& left, const std::vector<float>& right) {
  std::vector<float> out;
  out.reserve(left.size() * 2);
  for (std::size_t i = 0; i < left.size(); ++i) {
    out.push_back(left[i]);
    out.push_back(right[i]);
  }
  return out;
}

// Writes a fixture with libsndfile (the same library the importer reads with, but its writers
// are independent of the code under test).
void write_audio(const fs::path& path, int format, int rate, int channels,
                 const std::vector<float>& interleaved) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(file, nullptr) << sf_strerror(nullptr);
  const auto frames =
      static_cast<sf_count_t>(interleaved.size() / static_cast<std::size_t>(channels));
  EXPECT_EQ(sf_writef_float(file, interleaved.data(), frames), frames);
  sf_close(file);
}

std::vector<std::byte> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  std::transform(chars.begin(), chars.end(), bytes.begin(),
                 [](char c) { return static_cast<std::byte>(c); });
  return bytes;
}

void write_bytes(const fs::path& path, const std::vector<std::byte>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

double peak(const std::vector<double>& samples) {
  double result = 0;
  for (const double s : samples) result = std::max(result, std::abs(s));
  return result;
}

std::size_t entries_in(const fs::path& directory) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(directory), fs::directory_iterator()));
}

class PromptImportTest : public ::testing::Test {
 protected:
  fs::path upload(const std::string& name) const { return uploads_.path() / name; }
  fs::path target() const { return prompts_.path() / "prompt.wav"; }

  // The converted prompt as an independent reader sees it: must be 8 kHz mono 16-bit.
  test::WavAudio read_target() const {
    auto audio = test::read_wav(target());
    EXPECT_EQ(audio.sample_rate, 8000);
    EXPECT_EQ(audio.channels.size(), 1u);
    return audio;
  }

  // A failed import leaves nothing behind: no prompt, no temporary file.
  void expect_rejected(const Result<ImportedPrompt>& result, const std::string& code) const {
    ASSERT_FALSE(result.ok()) << "imported " << result->path;
    EXPECT_EQ(result.error().code, code) << result.error().message;
    EXPECT_EQ(entries_in(prompts_.path()), 0u);
  }

  TempDir uploads_;
  TempDir prompts_;
};

TEST_F(PromptImportTest, StereoWavAt16kHzBecomesMono8kHzKeepingTheTone) {
  const auto tone = sine(1000, 2.0, 16000, 0.5);
  write_audio(upload("tone.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 2,
              interleave(tone, tone));

  auto imported = import_prompt_file(upload("tone.wav"), target());
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_NEAR(imported->duration_ms, 2000, 5);
  EXPECT_EQ(imported->source_rate, 16000);
  EXPECT_EQ(imported->source_channels, 2);
  EXPECT_EQ(imported->path, target());

  const auto audio = read_target();
  EXPECT_NEAR(static_cast<double>(audio.frames()), 16000, 40);
  ASSERT_EQ(imported->clip->samples.size(), audio.frames());
  const auto dominant = test::dominant_frequency(audio.channels[0], 8000, 300, 3500);
  ASSERT_TRUE(dominant.has_value());
  EXPECT_NEAR(dominant->freq_hz, 1000, 10);
  EXPECT_GT(dominant->power_ratio, 0.9);

  auto digest = sha256_file_hex(target().string());
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(imported->sha256, *digest);
  EXPECT_EQ(imported->sha256.size(), 64u);
}

TEST_F(PromptImportTest, DownmixKeepsBothChannels) {
  write_audio(upload("two.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 2,
              interleave(sine(600, 1.0, 16000, 0.4), sine(1400, 1.0, 16000, 0.4)));

  auto imported = import_prompt_file(upload("two.wav"), target());
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  const auto audio = read_target();
  EXPECT_NEAR(test::tone_power_ratio(audio.channels[0], 8000, 600), 0.5, 0.1);
  EXPECT_NEAR(test::tone_power_ratio(audio.channels[0], 8000, 1400), 0.5, 0.1);
}

TEST_F(PromptImportTest, BytesInMemoryGiveTheSameFileAsAPath) {
  write_audio(upload("tone.wav"), SF_FORMAT_WAV | SF_FORMAT_ULAW, 8000, 1,
              sine(440, 1.0, 8000, 0.5));
  auto from_path = import_prompt_file(upload("tone.wav"), prompts_.path() / "a.wav");
  auto from_bytes = import_prompt_bytes(read_bytes(upload("tone.wav")), target());
  ASSERT_TRUE(from_path.ok()) << from_path.error().message;
  ASSERT_TRUE(from_bytes.ok()) << from_bytes.error().message;
  EXPECT_EQ(from_path->sha256, from_bytes->sha256);
  EXPECT_EQ(from_bytes->duration_ms, 1000);
}

TEST_F(PromptImportTest, Mp3MadeWithLameConverts) {
  // Debian 12's libsndfile 1.2 writes MP3 through LAME and reads it through mpg123.
  write_audio(upload("tone.mp3"), SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 44100, 1,
              sine(800, 1.5, 44100, 0.5));

  auto imported = import_prompt_bytes(read_bytes(upload("tone.mp3")), target());
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->source_rate, 44100);
  EXPECT_NEAR(imported->duration_ms, 1500, 100);
  const auto audio = read_target();
  const auto dominant = test::dominant_frequency(audio.channels[0], 8000, 300, 3500);
  ASSERT_TRUE(dominant.has_value());
  EXPECT_NEAR(dominant->freq_hz, 800, 10);
}

TEST_F(PromptImportTest, FlacAndOggVorbisConvert) {
  write_audio(upload("tone.flac"), SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, 1,
              sine(700, 1.0, 48000, 0.5));
  write_audio(upload("tone.ogg"), SF_FORMAT_OGG | SF_FORMAT_VORBIS, 22050, 2,
              interleave(sine(1200, 1.0, 22050, 0.5), sine(1200, 1.0, 22050, 0.5)));

  for (const auto& [name, freq] : {std::pair{"tone.flac", 700.0}, std::pair{"tone.ogg", 1200.0}}) {
    SCOPED_TRACE(name);
    auto imported = import_prompt_file(upload(name), target());
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    EXPECT_NEAR(imported->duration_ms, 1000, 20);
    const auto audio = read_target();
    const auto dominant = test::dominant_frequency(audio.channels[0], 8000, 300, 3500);
    ASSERT_TRUE(dominant.has_value());
    EXPECT_NEAR(dominant->freq_hz, freq, 10);
  }
}

TEST_F(PromptImportTest, QuietUploadIsRaisedToMinus3dBFS) {
  write_audio(upload("quiet.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1,
              sine(500, 1.0, 8000, 0.2));
  auto imported = import_prompt_file(upload("quiet.wav"), target());
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_NEAR(imported->gain_db, 20 * std::log10(0.7079 / 0.2), 0.1);
  EXPECT_NEAR(peak(read_target().channels[0]), 0.708, 0.01);
}

TEST_F(PromptImportTest, FaintUploadGainIsCappedAt20dB) {
  write_audio(upload("faint.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1,
              sine(500, 1.0, 8000, 0.01));
  auto imported = import_prompt_file(upload("faint.wav"), target());
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_NEAR(imported->gain_db, 20.0, 0.01);
  EXPECT_NEAR(peak(read_target().channels[0]), 0.1, 0.005);
}

TEST_F(PromptImportTest, LoudUploadIsNotChanged) {
  write_audio(upload("loud.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1,
              sine(500, 1.0, 8000, 0.9));
  auto imported = import_prompt_file(upload("loud.wav"), target());
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->gain_db, 0.0);
  EXPECT_NEAR(peak(read_target().channels[0]), 0.9, 0.005);
}

TEST_F(PromptImportTest, TruncatedWavIsUnreadable) {
  write_audio(upload("full.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1,
              sine(1000, 2.0, 16000, 0.5));
  auto bytes = read_bytes(upload("full.wav"));
  bytes.resize(bytes.size() / 2);  // an upload cut off half-way
  write_bytes(upload("cut.wav"), bytes);

  expect_rejected(import_prompt_file(upload("cut.wav"), target()), "prompt_unreadable");
  expect_rejected(import_prompt_bytes(bytes, target()), "prompt_unreadable");
  bytes.resize(30);  // cut inside the header
  expect_rejected(import_prompt_bytes(bytes, target()), "prompt_unreadable");
}

TEST_F(PromptImportTest, TruncatedMp3IsUnreadable) {
  write_audio(upload("full.mp3"), SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 16000, 1,
              sine(1000, 2.0, 16000, 0.5));
  auto bytes = read_bytes(upload("full.mp3"));
  bytes.resize(bytes.size() / 2);
  expect_rejected(import_prompt_bytes(bytes, target()), "prompt_unreadable");
}

TEST_F(PromptImportTest, RandomBytesAreUnreadable) {
  std::mt19937 random(42);
  std::vector<std::byte> garbage(8000);
  for (auto& b : garbage) b = static_cast<std::byte>(random() & 0xFF);
  write_bytes(upload("garbage.wav"), garbage);

  expect_rejected(import_prompt_file(upload("garbage.wav"), target()), "prompt_unreadable");
  expect_rejected(import_prompt_bytes(garbage, target()), "prompt_unreadable");
}

TEST_F(PromptImportTest, MissingSourceIsUnreadable) {
  expect_rejected(import_prompt_file(upload("nothing-here.wav"), target()), "prompt_unreadable");
}

TEST_F(PromptImportTest, EmptyFileIsSilent) {
  write_bytes(upload("empty.wav"), {});
  expect_rejected(import_prompt_file(upload("empty.wav"), target()), "prompt_silent");
  expect_rejected(import_prompt_bytes({}, target()), "prompt_silent");
}

TEST_F(PromptImportTest, WavWithoutSamplesIsSilent) {
  write_audio(upload("none.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, {});
  expect_rejected(import_prompt_file(upload("none.wav"), target()), "prompt_silent");
}

TEST_F(PromptImportTest, SilentRecordingIsSilent) {
  // Digital silence with a little noise at about -70 dBFS, like a muted microphone.
  auto quiet = sine(50, 3.0, 16000, 0.0003);
  write_audio(upload("silent.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, quiet);
  expect_rejected(import_prompt_file(upload("silent.wav"), target()), "prompt_silent");
}

TEST_F(PromptImportTest, LongerThanTenMinutesIsTooLong) {
  write_audio(upload("long.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1,
              sine(400, 10 * 60 + 1, 8000, 0.5));
  expect_rejected(import_prompt_file(upload("long.wav"), target()), "prompt_too_long");
}

TEST_F(PromptImportTest, Mp3OverAConfiguredLimitIsTooLong) {
  write_audio(upload("long.mp3"), SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 16000, 1,
              sine(400, 3.0, 16000, 0.5));
  PromptImportLimits limits;
  limits.max_duration = std::chrono::seconds(2);
  expect_rejected(import_prompt_file(upload("long.mp3"), target(), limits), "prompt_too_long");
}

TEST_F(PromptImportTest, LargerThanTheByteLimitIsTooLarge) {
  write_audio(upload("tone.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1,
              sine(400, 1.0, 8000, 0.5));
  PromptImportLimits limits;
  limits.max_bytes = 10'000;  // the file is 16 kB
  expect_rejected(import_prompt_file(upload("tone.wav"), target(), limits), "prompt_too_large");
  expect_rejected(import_prompt_bytes(read_bytes(upload("tone.wav")), target(), limits),
                  "prompt_too_large");
}

TEST_F(PromptImportTest, FormatsOutsideTheListAreUnsupported) {
  write_audio(upload("tone.au"), SF_FORMAT_AU | SF_FORMAT_PCM_16, 8000, 1,
              sine(400, 1.0, 8000, 0.5));
  expect_rejected(import_prompt_file(upload("tone.au"), target()), "prompt_unsupported");
}

TEST_F(PromptImportTest, FailedImportLeavesTheExistingPromptAlone) {
  write_audio(upload("good.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1,
              sine(400, 1.0, 8000, 0.5));
  auto first = import_prompt_file(upload("good.wav"), target());
  ASSERT_TRUE(first.ok()) << first.error().message;

  write_bytes(upload("bad.wav"), std::vector<std::byte>(100, std::byte{0x55}));
  auto second = import_prompt_file(upload("bad.wav"), target());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "prompt_unreadable");
  auto digest = sha256_file_hex(target().string());
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, first->sha256);
  EXPECT_EQ(entries_in(prompts_.path()), 1u);  // no temporary file left beside it
}

TEST_F(PromptImportTest, AtomicWriterReplacesTheTargetWhole) {
  const std::vector<std::int16_t> samples(800, 1000);
  ASSERT_TRUE(write_prompt_wav_atomically(target(), samples, 8000).ok());
  const std::vector<std::int16_t> longer(1600, -1000);
  ASSERT_TRUE(write_prompt_wav_atomically(target(), longer, 8000).ok());
  EXPECT_EQ(read_target().frames(), 1600u);
  EXPECT_EQ(entries_in(prompts_.path()), 1u);
}

}  // namespace
}  // namespace hotline::media
