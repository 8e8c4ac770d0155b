#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "media/prompt_cache.hpp"
#include "media/speech_cache.hpp"
#include "media/speech_synthesizer.hpp"
#include "media/speech_text.hpp"
#include "tone_analysis.hpp"

namespace hotline::media {
namespace {

namespace fs = std::filesystem;

const std::string kWelcome = "您好，欢迎致电社保服务热线";

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "speech-test-XXXXXX").string();
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

double seconds_of(const AudioClip& clip) {
  return static_cast<double>(clip.samples.size()) / 8000;
}

double rms(const std::vector<std::int16_t>& samples) {
  double sum = 0;
  for (const auto s : samples) sum += static_cast<double>(s) * s;
  return samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(samples.size()));
}

// Share of 20 ms frames with speech-level energy (above about -40 dBFS).
double voiced_share(const std::vector<std::int16_t>& samples) {
  constexpr std::size_t kFrame = 160;
  std::size_t frames = 0;
  std::size_t voiced = 0;
  for (std::size_t start = 0; start + kFrame <= samples.size(); start += kFrame, ++frames) {
    const std::vector<std::int16_t> frame(samples.begin() + static_cast<long>(start),
                                          samples.begin() + static_cast<long>(start + kFrame));
    if (rms(frame) > 330) ++voiced;
  }
  return frames == 0 ? 0 : static_cast<double>(voiced) / static_cast<double>(frames);
}

std::size_t files_in(const fs::path& directory) {
  if (!fs::exists(directory)) return 0;
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(directory), fs::directory_iterator()));
}

class SpeechSynthesizerTest : public ::testing::Test {
 protected:
  SpeechSynthesizerConfig config() const {
    SpeechSynthesizerConfig config;
    config.cache_dir = data_.path() / "tts";
    return config;
  }

  TempDir data_;
  PromptCache prompts_;
};

TEST_F(SpeechSynthesizerTest, WelcomePromptIsSpeechOfPlausibleLengthAt8kHz) {
  SpeechSynthesizer tts(config(), prompts_);
  auto clip = tts.synthesize_and_wait(kWelcome);
  ASSERT_TRUE(clip.ok()) << clip.error().code << ": " << clip.error().message;

  // 13 syllables at phone-prompt pace.
  EXPECT_GT(seconds_of(**clip), 1.5);
  EXPECT_LT(seconds_of(**clip), 8.0);
  EXPECT_GT(rms((*clip)->samples), 1000);
  EXPECT_GT(voiced_share((*clip)->samples), 0.5);
  EXPECT_EQ((*clip)->name, tts.prompt_key(kWelcome));

  // The cached file is the engine's format, and holds the same audio.
  const auto file = data_.path() / "tts" / ((*clip)->name.substr(4) + ".wav");
  const auto stored = test::read_wav(file);
  EXPECT_EQ(stored.sample_rate, 8000);
  ASSERT_EQ(stored.channels.size(), 1u);
  EXPECT_EQ(stored.frames(), (*clip)->samples.size());
}

TEST_F(SpeechSynthesizerTest, DefaultVoiceReadsChineseAsMandarinNotEnglish) {
  SpeechSynthesizer tts(config(), prompts_);
  auto phonemes = tts.phonemes("您好");
  ASSERT_TRUE(phonemes.ok()) << phonemes.error().message;
  // Debian 12's `cmn` voice gives "(en)nI55nt'u:55" ("nin two"): the tone digit in English.
  EXPECT_EQ(phonemes->find("(en)"), std::string::npos) << *phonemes;
  EXPECT_NE(phonemes->find("35"), std::string::npos) << *phonemes;   // nin2: rising tone
  EXPECT_NE(phonemes->find("214"), std::string::npos) << *phonemes;  // hao3: dipping tone
}

TEST_F(SpeechSynthesizerTest, SameTextIsSynthesizedOnce) {
  SpeechSynthesizer tts(config(), prompts_);
  auto first = tts.synthesize_and_wait(kWelcome);
  auto second = tts.synthesize_and_wait(kWelcome);
  auto padded = tts.synthesize_and_wait("  " + kWelcome + "\n");
  ASSERT_TRUE(first.ok() && second.ok() && padded.ok());
  EXPECT_EQ(tts.synthesis_count(), 1u);
  EXPECT_EQ(*first, *second);  // the very same shared clip
  EXPECT_EQ(*first, *padded);

  auto cached = prompts_.get(tts.prompt_key(kWelcome));
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(*cached, *first);
}

TEST_F(SpeechSynthesizerTest, NewInstanceLoadsFromDiskWithoutSynthesizing) {
  std::vector<std::int16_t> original;
  {
    SpeechSynthesizer tts(config(), prompts_);
    auto clip = tts.synthesize_and_wait(kWelcome);
    ASSERT_TRUE(clip.ok()) << clip.error().message;
    original = (*clip)->samples;
  }
  EXPECT_EQ(files_in(data_.path() / "tts"), 1u);  // the WAV, no temporary files

  PromptCache fresh_memory;  // as after a restart
  SpeechSynthesizer restarted(config(), fresh_memory);
  auto clip = restarted.synthesize_and_wait(kWelcome);
  ASSERT_TRUE(clip.ok()) << clip.error().message;
  EXPECT_EQ(restarted.synthesis_count(), 0u);
  EXPECT_EQ((*clip)->samples, original);
  EXPECT_EQ(fresh_memory.size(), 1u);
}

TEST_F(SpeechSynthesizerTest, DamagedCacheFileIsSynthesizedAgain) {
  SpeechSynthesizer tts(config(), prompts_);
  const auto file = data_.path() / "tts" / (tts.prompt_key(kWelcome).substr(4) + ".wav");
  fs::create_directories(file.parent_path());
  std::ofstream(file) << "not a wav";

  auto clip = tts.synthesize_and_wait(kWelcome);
  ASSERT_TRUE(clip.ok()) << clip.error().message;
  EXPECT_EQ(tts.synthesis_count(), 1u);
  EXPECT_EQ(test::read_wav(file).frames(), (*clip)->samples.size());
}

TEST_F(SpeechSynthesizerTest, DifferentTextGivesDifferentAudio) {
  SpeechSynthesizer tts(config(), prompts_);
  auto welcome = tts.synthesize_and_wait(kWelcome);
  auto menu = tts.synthesize_and_wait("查询养老保险请按1");
  ASSERT_TRUE(welcome.ok() && menu.ok());
  EXPECT_EQ(tts.synthesis_count(), 2u);
  EXPECT_NE((*welcome)->name, (*menu)->name);
  EXPECT_NE((*welcome)->samples, (*menu)->samples);
  EXPECT_EQ(files_in(data_.path() / "tts"), 2u);
}

TEST_F(SpeechSynthesizerTest, SlowerRateGivesLongerSpeechAndAnotherCacheEntry) {
  auto slow_config = config();
  slow_config.voice.rate_wpm = 100;
  auto fast_config = config();
  fast_config.voice.rate_wpm = 220;
  SpeechSynthesizer slow(slow_config, prompts_);
  SpeechSynthesizer fast(fast_config, prompts_);  // shares the process's espeak-ng
  auto slow_clip = slow.synthesize_and_wait(kWelcome);
  auto fast_clip = fast.synthesize_and_wait(kWelcome);
  ASSERT_TRUE(slow_clip.ok() && fast_clip.ok());
  EXPECT_NE(slow.prompt_key(kWelcome), fast.prompt_key(kWelcome));
  EXPECT_EQ(fast.synthesis_count(), 1u);  // not served from the slow voice's entry
  EXPECT_GT(seconds_of(**slow_clip), 1.5 * seconds_of(**fast_clip));
}

TEST_F(SpeechSynthesizerTest, EmptyTextIsRejected) {
  SpeechSynthesizer tts(config(), prompts_);
  for (const std::string text : {"", "   ", "\n\t"}) {
    auto result = tts.synthesize_and_wait(text);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "tts_empty_text");
  }
  EXPECT_EQ(tts.synthesis_count(), 0u);
  EXPECT_EQ(files_in(data_.path() / "tts"), 0u);
}

TEST_F(SpeechSynthesizerTest, TooLongAndInvalidTextAreRejected) {
  auto limited = config();
  limited.max_text_chars = 10;
  SpeechSynthesizer tts(limited, prompts_);
  auto too_long = tts.synthesize_and_wait("一二三四五六七八九十一");  // 11 characters
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, "tts_text_too_long");
  auto at_limit = tts.synthesize_and_wait("一二三四五六七八九十");
  EXPECT_TRUE(at_limit.ok()) << at_limit.error().message;
  auto invalid = tts.synthesize_and_wait("\xE4\xBD");  // the first two bytes of 你
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, "tts_invalid_text");
}

TEST_F(SpeechSynthesizerTest, MissingVoiceIsUnavailable) {
  auto missing = config();
  missing.voice.name = "no-such-voice";
  SpeechSynthesizer tts(missing, prompts_);
  auto result = tts.synthesize_and_wait(kWelcome);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "tts_unavailable");
  EXPECT_EQ(files_in(data_.path() / "tts"), 0u);
}

TEST_F(SpeechSynthesizerTest, WrongDataPathIsUnavailable) {
  auto wrong = config();
  wrong.espeak_data_path = data_.path().string();  // exists, but holds no espeak-ng data
  SpeechSynthesizer tts(wrong, prompts_);
  auto result = tts.synthesize_and_wait(kWelcome);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "tts_unavailable");
}

TEST_F(SpeechSynthesizerTest, ExplicitDataPathWorks) {
  const std::string debian_data = "/usr/lib/x86_64-linux-gnu/espeak-ng-data";
  if (!fs::exists(debian_data)) GTEST_SKIP() << "not a Debian amd64 layout";
  auto explicit_path = config();
  explicit_path.espeak_data_path = debian_data;
  SpeechSynthesizer tts(explicit_path, prompts_);
  auto clip = tts.synthesize_and_wait("您好");
  ASSERT_TRUE(clip.ok()) << clip.error().message;
  EXPECT_GT(rms((*clip)->samples), 1000);
}

TEST_F(SpeechSynthesizerTest, ConcurrentRequestsFromSeveralThreadsAllComplete) {
  const std::vector<std::string> texts = {"您好", "请按1", "请按2", "请稍候", "谢谢您的来电"};
  SpeechSynthesizer tts(config(), prompts_);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5;
  std::mutex mutex;
  std::condition_variable all_done;
  int completed = 0;
  int failed = 0;
  std::set<std::string> names;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          tts.synthesize(texts[static_cast<std::size_t>(t + i) % texts.size()],
                         [&](Result<AudioClipPtr> result) {
                           std::lock_guard lock(mutex);
                           ++completed;
                           if (result.ok())
                             names.insert((*result)->name);
                           else
                             ++failed;
                           all_done.notify_all();
                         });
        }
      });
    }
  }
  std::unique_lock lock(mutex);
  ASSERT_TRUE(all_done.wait_for(lock, std::chrono::seconds(60),
                                [&] { return completed == kThreads * kPerThread; }))
      << completed << " of " << kThreads * kPerThread << " completed";
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(names.size(), texts.size());
  EXPECT_EQ(tts.synthesis_count(), texts.size());  // each distinct text once
}

TEST_F(SpeechSynthesizerTest, DestructionAnswersEveryQueuedRequest) {
  std::atomic<int> answered = 0;
  std::atomic<int> stopped = 0;
  constexpr int kRequests = 8;
  {
    SpeechSynthesizer tts(config(), prompts_);
    for (int i = 0; i < kRequests; ++i)
      tts.synthesize("第" + std::to_string(i) + "号", [&](Result<AudioClipPtr> result) {
        ++answered;
        if (!result.ok() && result.error().code == "tts_stopped") ++stopped;
      });
  }
  EXPECT_EQ(answered.load(), kRequests);
  EXPECT_GT(stopped.load(), 0);  // synthesis takes far longer than queueing
}

TEST(SpeechTextTest, TrimsAndCountsCharactersNotBytes) {
  auto text = prepare_speech_text(" 您好 \n", 2);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "您好");
  EXPECT_EQ(utf8_length("您好abc"), 5u);
  EXPECT_FALSE(utf8_length("\xC0\xAF").has_value());      // overlong '/'
  EXPECT_FALSE(utf8_length("\xED\xA0\x80").has_value());  // a UTF-16 surrogate
  EXPECT_EQ(prepare_speech_text(std::string("a\0b", 3), 10).error().code, "tts_invalid_text");
}

TEST(SpeechCacheKeyTest, EverySettingChangesTheKey) {
  const SpeechVoice base;
  const std::string key = speech_cache_key(base, kWelcome);
  EXPECT_EQ(key.size(), 64u);
  EXPECT_EQ(key, speech_cache_key(base, kWelcome));
  SpeechVoice other = base;
  other.name = "cmn";
  EXPECT_NE(speech_cache_key(other, kWelcome), key);
  other = base;
  other.pitch = 60;
  EXPECT_NE(speech_cache_key(other, kWelcome), key);
  other = base;
  other.volume = 120;
  EXPECT_NE(speech_cache_key(other, kWelcome), key);
  EXPECT_NE(speech_cache_key(base, kWelcome + "。"), key);
}

}  // namespace
}  // namespace hotline::media
