// The IVR's prompts as a caller hears them: a real softphone (baresip at 127.0.0.2, the demo
// trunk's IP peer) calls the demo number 84038437 and records what it receives (decoded
// G.711). The recording must contain the flow's welcome prompt: the test synthesizes the same
// text with the same voice and finds it in the received audio by normalised cross-correlation;
// a prompt the flow does not play at that point must not match.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <thread>

#include "baresip_process.hpp"
#include "daemon_process.hpp"
#include "media/prompt_cache.hpp"
#include "media/speech_synthesizer.hpp"
#include "tone_analysis.hpp"

namespace hotline::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr const char* kIvrNumber = "84038437";
constexpr const char* kWelcome = "您好，欢迎致电社会保险服务热线。";  // the demo flow's first node
constexpr const char* kGoodbye = "感谢您的评价，再见。";              // the survey's last words

std::vector<double> to_doubles(const media::AudioClip& clip) {
  std::vector<double> out(clip.samples.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = clip.samples[i] / 32768.0;
  return out;
}

// Energy per 10 ms frame: a coarse picture of speech, cheap to align.
std::vector<double> envelope(const std::vector<double>& samples) {
  std::vector<double> out(samples.size() / 80);
  for (std::size_t f = 0; f < out.size(); ++f) {
    double sum = 0;
    for (std::size_t i = 0; i < 80; ++i) sum += samples[f * 80 + i] * samples[f * 80 + i];
    out[f] = std::sqrt(sum / 80);
  }
  return out;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b, std::size_t offset) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size() && offset + i < b.size(); ++i) {
    ab += a[i] * b[offset + i];
    aa += a[i] * a[i];
    bb += b[offset + i] * b[offset + i];
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0;
}

// How well `expected` is found in `heard`: aligned coarsely on the envelopes, then each 50 ms
// chunk of speech is matched on its own within ±15 ms (a jitter buffer may add or drop a few
// milliseconds along the way); the median of the chunks' normalised cross-correlations.
double match(const std::vector<double>& expected, const std::vector<double>& heard) {
  if (heard.size() < expected.size()) return 0;
  const auto e = envelope(expected), h = envelope(heard);
  std::pair<double, std::size_t> coarse{0, 0};
  for (std::size_t f = 0; f + e.size() <= h.size(); ++f)
    coarse = std::max(coarse, std::pair{correlation(e, h, f), f});
  constexpr std::size_t kChunk = 400, kSlack = 120;
  std::vector<double> scores;
  for (std::size_t start = 0; start + kChunk <= expected.size(); start += kChunk) {
    const std::vector<double> chunk(expected.begin() + static_cast<std::ptrdiff_t>(start),
                                    expected.begin() + static_cast<std::ptrdiff_t>(start + kChunk));
    if (std::sqrt(std::inner_product(chunk.begin(), chunk.end(), chunk.begin(), 0.0) / kChunk) <
        0.02)
      continue;  // a pause between words
    const std::size_t centre = coarse.second * 80 + start;
    double best = 0;
    for (std::size_t offset = centre > kSlack ? centre - kSlack : 0;
         offset <= centre + kSlack && offset + kChunk <= heard.size(); ++offset)
      best = std::max(best, correlation(chunk, heard, offset));
    scores.push_back(best);
  }
  if (scores.empty()) return 0;
  std::nth_element(scores.begin(), scores.begin() + static_cast<std::ptrdiff_t>(scores.size() / 2),
                   scores.end());
  return scores[scores.size() / 2];
}

TEST(IvrAudioTest, TheCallerHearsTheWelcomePromptAsSynthesized) {
  DaemonProcess daemon;
  const fs::path dir = fs::path(daemon.data_dir()) / "ivr-audio-test";
  fs::create_directories(dir);

  BaresipOptions caller_options;
  caller_options.listen_ip = "127.0.0.2";
  caller_options.user = "13800138000";
  caller_options.registrar = "127.0.0.2";
  caller_options.register_account = false;
  caller_options.silence_seconds = 9;  // baresip hangs up when its source ends
  caller_options.commands = {"/dial sip:" + std::string(kIvrNumber) +
                             "@127.0.0.1:" + std::to_string(daemon.sip_port())};
  BaresipProcess caller(caller_options);
  ASSERT_TRUE(caller.wait_for_call_established(seconds(15))) << caller.log();
  ASSERT_TRUE(caller.wait_for_call_closed(seconds(30))) << caller.log();
  caller.stop();
  const auto files = caller.received_audio_files();
  ASSERT_EQ(files.size(), 1u) << caller.log();
  const auto heard_wav = read_wav(files[0]);
  ASSERT_EQ(heard_wav.sample_rate, 8000);
  const auto& heard = heard_wav.channels.at(0);
  ASSERT_GT(heard.size(), 6u * 8000u);

  // The same voice and rate as the daemon's defaults ([ivr] tts_rate).
  media::PromptCache cache;
  media::SpeechSynthesizerConfig config;
  config.cache_dir = dir / "tts";
  media::SpeechSynthesizer speech(config, cache);
  auto welcome = speech.synthesize_and_wait(kWelcome);
  ASSERT_TRUE(welcome.ok()) << welcome.error().message;
  auto goodbye = speech.synthesize_and_wait(kGoodbye);
  ASSERT_TRUE(goodbye.ok()) << goodbye.error().message;

  const double welcome_match = match(to_doubles(**welcome), heard);
  const double goodbye_match = match(to_doubles(**goodbye), heard);
  std::cerr << "match: welcome " << welcome_match << ", goodbye " << goodbye_match << "\n";
  EXPECT_GT(welcome_match, 0.8) << "the welcome prompt is not in what the caller heard";
  EXPECT_LT(goodbye_match, 0.5) << "a prompt that was not played matched: the check is blind";
  if (HasFailure()) std::cerr << daemon.log();
}

}  // namespace
}  // namespace hotline::test
