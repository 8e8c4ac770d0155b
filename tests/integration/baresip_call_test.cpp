// A real call through the real daemon between two real softphones (baresip), checked by ear:
// the carrier (baresip on 127.0.0.2, the demo trunk's IP peer) plays a 440 Hz tone and calls
// the demo's direct line 84038438; the demo routes it to extension 1001, a baresip registered with
// the daemon that answers by itself and plays 1000 Hz. Each phone must hear the other's tone,
// and the daemon's recording must hold the caller on the left and 1001 on the right.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "baresip_process.hpp"
#include "daemon_process.hpp"
#include "scratch_dir.hpp"
#include "tone_analysis.hpp"

namespace hotline::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr const char* kDemoPassword = "Hotline@2026";  // also the demo SIP password of 1001
// The demo's direct line to extension 1001 (84038437 itself is answered by the IVR).
constexpr const char* kPublicNumber = "84038438";
constexpr double kCallerTone = 440;
constexpr double kPhoneTone = 1000;
// The caller's WAV ends after this long and baresip then hangs up: the call's length.
constexpr double kCallerSeconds = 6;

// The real daemon (SQLite, demo data), recording calls as WAV so libsndfile can read them.
class BaresipCallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DaemonOptions options;
    options.config_toml = {{"calls.recording_format", "\"wav\""}};
    daemon_ = std::make_unique<DaemonProcess>(options);
    admin_ = daemon_->login("admin", kDemoPassword);
  }
  void TearDown() override {
    if (HasFailure() && daemon_) std::cerr << "---- daemon log ----\n" << daemon_->log() << "\n";
  }

  HttpResponse get(const std::string& target) {
    return daemon_->client().get(target, {{"Authorization", "Bearer " + admin_}});
  }

  // The newest call record once it has ended (records are written off the SIP path).
  nlohmann::json ended_call() {
    nlohmann::json newest;
    for (int i = 0; i < 50; ++i) {
      const auto list = get("/api/v1/calls?page_size=1").json();
      if (!list["items"].empty()) {
        newest = list["items"][0];
        if (newest["disposition"] != "active")
          return get("/api/v1/calls/" + std::to_string(newest["id"].get<std::int64_t>())).json();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "no ended call; newest: " << newest.dump();
    return newest;
  }

  std::unique_ptr<DaemonProcess> daemon_;
  std::string admin_;
};

// The dominant tone of `samples` in the telephone band, 0 when there is none.
double tone_of(const std::vector<double>& samples, int sample_rate) {
  const auto tone = dominant_frequency(samples, sample_rate, 300, 3400);
  return tone ? tone->freq_hz : 0;
}

TEST_F(BaresipCallTest, TrunkCallIsAnsweredByBaresipAndBothTonesGetThrough) {
  const ScratchDir scratch("tones");
  const auto& dir = scratch.path();
  write_tone_wav(dir / "phone.wav", kPhoneTone, 60);
  write_tone_wav(dir / "caller.wav", kCallerTone, kCallerSeconds);

  BaresipOptions phone_options;
  phone_options.user = "1001";
  phone_options.registrar = "127.0.0.1:" + std::to_string(daemon_->sip_port());
  phone_options.password = kDemoPassword;
  phone_options.answer_mode = "auto";
  phone_options.source_wav = dir / "phone.wav";
  BaresipProcess phone(phone_options);
  std::string line;
  ASSERT_EQ(phone.wait_for_registration(seconds(15), &line), RegistrationResult::Registered)
      << line << "\n"
      << phone.log();

  BaresipOptions caller_options;
  caller_options.listen_ip = "127.0.0.2";
  caller_options.user = "13800138000";
  caller_options.registrar = "127.0.0.2";
  caller_options.register_account = false;
  caller_options.source_wav = dir / "caller.wav";
  caller_options.commands = {"/dial sip:" + std::string(kPublicNumber) +
                             "@127.0.0.1:" + std::to_string(daemon_->sip_port())};
  BaresipProcess caller(caller_options);

  ASSERT_TRUE(phone.wait_for_call_established(seconds(15))) << phone.log() << caller.log();
  ASSERT_TRUE(caller.wait_for_call_established(seconds(10))) << caller.log();
  // The caller's tone ends: it hangs up, the daemon forwards the BYE.
  ASSERT_TRUE(caller.wait_for_call_closed(seconds(20))) << caller.log();
  ASSERT_TRUE(phone.wait_for_call_closed(seconds(10))) << phone.log();
  caller.stop();
  phone.stop();

  // What each phone heard (decoded G.711) is the other one's tone.
  const auto heard_by_phone = phone.received_audio_files();
  const auto heard_by_caller = caller.received_audio_files();
  ASSERT_EQ(heard_by_phone.size(), 1u) << phone.log();
  ASSERT_EQ(heard_by_caller.size(), 1u) << caller.log();
  const auto at_phone = read_wav(heard_by_phone[0]);
  const auto at_caller = read_wav(heard_by_caller[0]);
  EXPECT_GT(at_phone.frames(), 3u * 8000u);  // several seconds of audio
  EXPECT_NEAR(tone_of(at_phone.channels[0], at_phone.sample_rate), kCallerTone, 10);
  EXPECT_NEAR(tone_of(at_caller.channels[0], at_caller.sample_rate), kPhoneTone, 10);
  EXPECT_LT(tone_power_ratio(at_phone.channels[0], at_phone.sample_rate, kPhoneTone), 0.05);

  // The call record: the trunk's call, answered by 1001.
  const auto record = ended_call();
  EXPECT_EQ(record["disposition"], "answered") << record.dump();
  EXPECT_EQ(record["direction"], "inbound");
  EXPECT_EQ(record["did"], kPublicNumber);
  EXPECT_EQ(record["trunk_name"], "demo-carrier");
  EXPECT_EQ(record["answered_by"], "1001");
  EXPECT_EQ(record["hangup_side"], "caller");
  EXPECT_GE(record["talk_seconds"].get<double>(), kCallerSeconds - 3);

  // The recording, once the writer has finished it: stereo, caller left, 1001 right.
  const auto id = record["id"].get<std::int64_t>();
  nlohmann::json call = record;
  for (int i = 0; i < 100 && call["recording_id"].is_null(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    call = get("/api/v1/calls/" + std::to_string(id)).json();
  }
  ASSERT_FALSE(call["recording_id"].is_null()) << "no recording for the call: " << call.dump();
  const auto audio = get("/api/v1/recordings/" +
                         std::to_string(call["recording_id"].get<std::int64_t>()) + "/audio");
  ASSERT_EQ(audio.status, 200u) << audio.body;
  const auto recording_path = dir / "recording.wav";
  std::ofstream(recording_path, std::ios::binary) << audio.body;
  const auto recording = read_wav(recording_path);
  ASSERT_EQ(recording.channels.size(), 2u);
  EXPECT_GT(recording.frames(), static_cast<std::size_t>(3 * recording.sample_rate));
  const auto& left = recording.channels[0];
  const auto& right = recording.channels[1];
  EXPECT_NEAR(tone_of(left, recording.sample_rate), kCallerTone, 10);
  EXPECT_NEAR(tone_of(right, recording.sample_rate), kPhoneTone, 10);
  EXPECT_LT(tone_power_ratio(left, recording.sample_rate, kPhoneTone), 0.05);
  EXPECT_LT(tone_power_ratio(right, recording.sample_rate, kCallerTone), 0.05);
}

}  // namespace
}  // namespace hotline::test
