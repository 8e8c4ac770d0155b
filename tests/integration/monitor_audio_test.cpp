// A supervisor monitors a live call from their own phone, checked on the audio each phone hears.
// Three real softphones (baresip): the caller on the trunk (127.0.0.2) plays 440 Hz and calls the
// demo direct line to agent1's extension 1001, which plays 1000 Hz; supervisor1's phone (1900)
// plays 1700 Hz. The supervisor listens (hears both, heard by none), whispers (heard by the agent
// only), then barges in (heard by both), changing the mode live; each phase is checked in the
// stretch of each phone's received audio where it was in force.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "baresip_process.hpp"
#include "daemon_process.hpp"
#include "scratch_dir.hpp"
#include "tone_analysis.hpp"

namespace hotline::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

constexpr const char* kDemoPassword = "Hotline@2026";
constexpr const char* kDirectLine = "84038438";  // the demo's direct line to 1001
constexpr double kCallerTone = 440;
constexpr double kAgentTone = 1000;
constexpr double kSupervisorTone = 1700;
constexpr auto kPhase = seconds(5);

// The share of `freq_hz` in what a phone heard between `from` and `to` after its call started.
double share_of(const WavAudio& heard, double freq_hz, double from_s, double to_s) {
  const auto rate = static_cast<double>(heard.sample_rate);
  const auto& samples = heard.channels.front();
  const auto begin = std::min(samples.size(), static_cast<std::size_t>(from_s * rate));
  const auto end = std::min(samples.size(), static_cast<std::size_t>(to_s * rate));
  if (end <= begin + heard.sample_rate) {
    ADD_FAILURE() << "the recording is too short for [" << from_s << ", " << to_s << "] s";
    return 0;
  }
  return tone_power_ratio(std::span<const double>(samples.data() + begin, end - begin),
                          heard.sample_rate, freq_hz);
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

class MonitorAudioTest : public ::testing::Test {
 protected:
  void SetUp() override { daemon_ = std::make_unique<DaemonProcess>(); }
  void TearDown() override {
    if (HasFailure() && daemon_) std::cerr << "---- daemon log ----\n" << daemon_->log() << "\n";
  }

  HttpResponse send(boost::beast::http::verb verb, const std::string& target,
                    const std::string& token, const nlohmann::json& body = nullptr) {
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + token}};
    if (!body.is_null()) headers["Content-Type"] = "application/json";
    return daemon_->client().request(verb, target, body.is_null() ? "" : body.dump(), headers);
  }

  BaresipOptions phone(const std::string& extension, const fs::path& wav) {
    BaresipOptions options;
    options.user = extension;
    options.registrar = "127.0.0.1:" + std::to_string(daemon_->sip_port());
    options.password = kDemoPassword;
    options.answer_mode = "auto";
    options.source_wav = wav;
    return options;
  }

  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(MonitorAudioTest, ListenWhisperAndBargeReachWhoTheyShould) {
  const ScratchDir scratch("tones");
  const auto& dir = scratch.path();
  write_tone_wav(dir / "caller.wav", kCallerTone, 120);
  write_tone_wav(dir / "agent.wav", kAgentTone, 120);
  write_tone_wav(dir / "supervisor.wav", kSupervisorTone, 120);

  BaresipProcess agent(phone("1001", dir / "agent.wav"));
  BaresipProcess supervisor(phone("1900", dir / "supervisor.wav"));
  std::string line;
  ASSERT_EQ(agent.wait_for_registration(seconds(15), &line), RegistrationResult::Registered)
      << line << agent.log();
  ASSERT_EQ(supervisor.wait_for_registration(seconds(15), &line), RegistrationResult::Registered)
      << line << supervisor.log();

  BaresipOptions caller_options;
  caller_options.listen_ip = "127.0.0.2";
  caller_options.user = "13800138000";
  caller_options.registrar = "127.0.0.2";
  caller_options.register_account = false;
  caller_options.source_wav = dir / "caller.wav";
  caller_options.commands = {"/dial sip:" + std::string(kDirectLine) +
                             "@127.0.0.1:" + std::to_string(daemon_->sip_port())};
  BaresipProcess caller(caller_options);
  ASSERT_TRUE(agent.wait_for_call_established(seconds(15))) << agent.log() << caller.log();
  ASSERT_TRUE(caller.wait_for_call_established(seconds(10))) << caller.log();
  const auto caller_start = Clock::now();

  const auto token = daemon_->login("supervisor1", kDemoPassword);
  const auto started = send(boost::beast::http::verb::post, "/api/v1/monitor", token,
                            {{"agent", "agent1"}, {"mode", "listen"}});
  ASSERT_EQ(started.status, 201u) << started.body;
  const auto id = started.json()["id"].get<std::string>();
  ASSERT_TRUE(supervisor.wait_for_call_established(seconds(10))) << supervisor.log();
  const auto listen_at = Clock::now();
  std::this_thread::sleep_for(kPhase);
  const auto whisper =
      send(boost::beast::http::verb::put, "/api/v1/monitor/" + id, token, {{"mode", "whisper"}});
  ASSERT_EQ(whisper.status, 200u) << whisper.body;
  const auto whisper_at = Clock::now();
  std::this_thread::sleep_for(kPhase);
  const auto barge =
      send(boost::beast::http::verb::put, "/api/v1/monitor/" + id, token, {{"mode", "barge"}});
  ASSERT_EQ(barge.status, 200u) << barge.body;
  const auto barge_at = Clock::now();
  std::this_thread::sleep_for(kPhase);
  const auto end_at = Clock::now();
  ASSERT_EQ(send(boost::beast::http::verb::delete_, "/api/v1/monitor/" + id, token).status, 204u);
  ASSERT_TRUE(supervisor.wait_for_call_closed(seconds(10))) << supervisor.log();

  // Every monitoring step is audited.
  const auto admin = daemon_->login("admin", kDemoPassword);
  const auto audit =
      send(boost::beast::http::verb::get, "/api/v1/audit?action=monitor.mode", admin).json();
  EXPECT_EQ(audit.value("total", 0), 2) << audit.dump();

  caller.stop();  // hangs up
  ASSERT_TRUE(agent.wait_for_call_closed(seconds(10))) << agent.log();
  agent.stop();
  supervisor.stop();

  const auto heard = [](BaresipProcess& phone) {
    const auto files = phone.received_audio_files();
    EXPECT_EQ(files.size(), 1u) << phone.log();
    return files.empty() ? WavAudio{} : read_wav(files.back());
  };
  const auto at_caller = heard(caller);
  const auto at_agent = heard(agent);
  const auto at_supervisor = heard(supervisor);
  ASSERT_FALSE(at_caller.channels.empty());
  ASSERT_FALSE(at_agent.channels.empty());
  ASSERT_FALSE(at_supervisor.channels.empty());

  // Phase windows, 1.5 s in from each change and 0.5 s clear of the next, on each phone's own
  // timeline (the caller's and the agent's calls started together; the supervisor's at listen).
  struct Window {
    double from, to;
  };
  const auto window = [&](Clock::time_point phase, Clock::time_point next, Clock::time_point zero) {
    return Window{seconds_between(zero, phase) + 1.5, seconds_between(zero, next) - 0.5};
  };
  const auto listen = window(listen_at, whisper_at, caller_start);
  const auto whispering = window(whisper_at, barge_at, caller_start);
  const auto barging = window(barge_at, end_at, caller_start);

  // Listening: the supervisor hears both sides; nobody hears the supervisor.
  const auto sup_listen = window(listen_at, whisper_at, listen_at);
  EXPECT_GT(share_of(at_supervisor, kCallerTone, sup_listen.from, sup_listen.to), 0.2);
  EXPECT_GT(share_of(at_supervisor, kAgentTone, sup_listen.from, sup_listen.to), 0.2);
  EXPECT_LT(share_of(at_caller, kSupervisorTone, listen.from, listen.to), 0.05);
  EXPECT_LT(share_of(at_agent, kSupervisorTone, listen.from, listen.to), 0.05);
  // Whispering: the agent hears the supervisor, the caller does not.
  EXPECT_GT(share_of(at_agent, kSupervisorTone, whispering.from, whispering.to), 0.2);
  EXPECT_LT(share_of(at_caller, kSupervisorTone, whispering.from, whispering.to), 0.05);
  EXPECT_GT(share_of(at_agent, kCallerTone, whispering.from, whispering.to), 0.2);
  // Barging in: both hear the supervisor, and still each other.
  EXPECT_GT(share_of(at_agent, kSupervisorTone, barging.from, barging.to), 0.2);
  EXPECT_GT(share_of(at_caller, kSupervisorTone, barging.from, barging.to), 0.2);
  EXPECT_GT(share_of(at_caller, kAgentTone, barging.from, barging.to), 0.2);
}

TEST_F(MonitorAudioTest, OnlyPermittedSupervisorsOfTheTeamMayMonitor) {
  const auto agent = daemon_->login("agent2", kDemoPassword);
  const auto refused = send(boost::beast::http::verb::post, "/api/v1/monitor", agent,
                            {{"agent", "agent1"}, {"mode", "listen"}});
  EXPECT_EQ(refused.status, 403u) << refused.body;
  const auto supervisor = daemon_->login("supervisor1", kDemoPassword);
  const auto idle = send(boost::beast::http::verb::post, "/api/v1/monitor", supervisor,
                         {{"agent", "agent1"}, {"mode", "listen"}});
  EXPECT_EQ(idle.status, 409u) << idle.body;  // agent1 is on no call
  const auto bad = send(boost::beast::http::verb::post, "/api/v1/monitor", supervisor,
                        {{"agent", "agent1"}, {"mode", "shout"}});
  EXPECT_EQ(bad.status, 400u) << bad.body;
}

}  // namespace
}  // namespace hotline::test
