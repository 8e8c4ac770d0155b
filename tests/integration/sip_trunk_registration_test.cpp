// Registration trunks: hotlined registers to a carrier's registrar (SIPp on 127.0.0.5, which
// checks the digest answer) with the trunk's account, and reports the outcome.
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "api_test_fixture.hpp"
#include "sip_wire.hpp"

namespace hotline::test {
namespace {

namespace fs = std::filesystem;

// Runs the carrier's registrar for one registration; exit code 0 when the exchange happened
// as the scenario expects (either outcome).
int run_registrar(std::uint16_t port) {
  const auto dir = fs::temp_directory_path() /
                   ("hotline-carrier-" + std::to_string(::getpid()) + "-" + std::to_string(port));
  fs::create_directories(dir);
  std::ostringstream command;
  command << "cd " << dir << " && timeout 60 sipp -sf " << HOTLINE_SIPP_DIR
          << "/carrier_registrar.xml -m 1 -i 127.0.0.5 -p " << port
          << " -t u1 -nostdin -timeout 30s -timeout_error > sipp.out 2>&1";
  const int status = std::system(command.str().c_str());
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class SipTrunkRegistrationTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = login("admin");
  }

  // Creates the registration trunk and returns its registration state once it has settled.
  nlohmann::json register_with(const std::string& password) {
    const auto port = free_loopback_sip_port();
    auto registrar = std::async(std::launch::async, [port] { return run_registrar(port); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto headers = bearer(admin_);
    headers["Content-Type"] = "application/json";
    const nlohmann::json trunk = {{"name", "carrier-reg"},
                                  {"kind", "registration"},
                                  {"proxy", "127.0.0.5:" + std::to_string(port)},
                                  {"username", "trunkuser"},
                                  {"password", password},
                                  {"numbers", {"84038438"}},
                                  {"caller_id", "84038438"},
                                  {"max_channels", 30},
                                  {"register_expires", 300}};
    const auto created =
        client().request(boost::beast::http::verb::post, "/api/v1/trunks", trunk.dump(), headers);
    EXPECT_EQ(created.status, 201u) << created.body;
    EXPECT_EQ(registrar.get(), 0) << "the carrier's registrar saw an unexpected exchange";
    nlohmann::json state;
    for (int i = 0; i < 50; ++i) {
      const auto list = get("/api/v1/trunks/registrations", admin_).json();
      for (const auto& item : list["items"])
        if (item["trunk_name"] == "carrier-reg") state = item;
      if (!state.is_null() && state["state"] != "registering") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return state;
  }

  std::string admin_;
};

TEST_P(SipTrunkRegistrationTest, RegistersWithTheTrunkAccount) {
  const auto state = register_with("trunkpass");
  ASSERT_FALSE(state.is_null());
  EXPECT_EQ(state["state"], "registered") << state.dump();
  EXPECT_EQ(state["last_status"], 200);
  EXPECT_FALSE(state["expires_at"].is_null());
  const auto metrics = client().request(boost::beast::http::verb::get, "/metrics", "", {}).body;
  EXPECT_NE(metrics.find("hotline_trunk_registered{trunk=\"carrier-reg\"} 1"), std::string::npos)
      << metrics;
}

TEST_P(SipTrunkRegistrationTest, ARefusedRegistrationIsReportedAndRetriedLater) {
  const auto state = register_with("wrong-password");
  ASSERT_FALSE(state.is_null());
  EXPECT_EQ(state["state"], "failed") << state.dump();
  EXPECT_EQ(state["last_status"], 403);
  EXPECT_EQ(state["failures"], 1);
  EXPECT_FALSE(state["next_attempt_at"].is_null());  // retried after a back-off
  const auto metrics = client().request(boost::beast::http::verb::get, "/metrics", "", {}).body;
  EXPECT_NE(metrics.find("hotline_trunk_registered{trunk=\"carrier-reg\"} 0"), std::string::npos)
      << metrics;
}

HOTLINE_INSTANTIATE_API_TEST(SipTrunkRegistrationTest);

}  // namespace
}  // namespace hotline::test
