// SIP over TLS: with a certificate configured the daemon answers on its TLS port (a real TLS
// handshake with OpenSSL, then SIP inside it); without one it does not listen there.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "api_test_fixture.hpp"
#include "sip_wire.hpp"

namespace hotline::test {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;

// A self-signed certificate and its key in DIR/agent.pem, as sofia-sip expects.
fs::path make_certificate_dir() {
  const auto dir = fs::temp_directory_path() / ("hotline-tls-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(free_loopback_sip_port()));
  fs::create_directories(dir);
  const std::string command =
      "cd " + dir.string() +
      " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
      " -keyout key.pem -out cert.pem >/dev/null 2>&1 && cat key.pem cert.pem > agent.pem";
  EXPECT_EQ(std::system(command.c_str()), 0) << "openssl could not make a certificate";
  return dir;
}

// One SIP request over TLS; returns the first response's status line.
std::string tls_request(std::uint16_t port, const std::string& request) {
  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.set_verify_mode(asio::ssl::verify_none);  // self-signed test certificate
  asio::ssl::stream<asio::ip::tcp::socket> stream(io, context);
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  stream.handshake(asio::ssl::stream_base::client);
  asio::write(stream, asio::buffer(request));
  asio::streambuf answer;
  asio::read_until(stream, answer, "\r\n");
  std::istream in(&answer);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string options_request(std::uint16_t port) {
  const std::string target = "127.0.0.1:" + std::to_string(port);
  return "OPTIONS sip:" + target + " SIP/2.0\r\n" +
         "Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKtls1;rport\r\n" +
         "From: <sip:probe@127.0.0.1>;tag=t1\r\nTo: <sip:" + target + ">\r\n" +
         "Call-ID: tls1@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n" +
         "Content-Length: 0\r\n\r\n";
}

class SipTlsTest : public ApiTest {
 protected:
  DaemonOptions daemon_options() override {
    certificates_ = make_certificate_dir();
    tls_port_ = free_loopback_sip_port();
    DaemonOptions options;
    options.config_toml = {{"sip.tls_listen", "\"127.0.0.1:" + std::to_string(tls_port_) + "\""},
                           {"sip.tls_certificate_dir", "\"" + certificates_.string() + "\""}};
    return options;
  }

  void TearDown() override {
    ApiTest::TearDown();
    std::error_code ignored;
    fs::remove_all(certificates_, ignored);
  }

  fs::path certificates_;
  std::uint16_t tls_port_ = 0;
};

TEST_P(SipTlsTest, AnswersSipOverTls) {
  const auto status = tls_request(tls_port_, options_request(tls_port_));
  EXPECT_EQ(status.rfind("SIP/2.0 200", 0), 0u) << status;
}

TEST_P(SipTlsTest, RegistrationOverTlsIsChallenged) {
  const std::string target = "127.0.0.1:" + std::to_string(tls_port_);
  const std::string reg = "REGISTER sip:" + target + " SIP/2.0\r\n" +
                          "Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKtls2;rport\r\n" +
                          "From: <sip:1001@" + target + ">;tag=t2\r\nTo: <sip:1001@" + target +
                          ">\r\nCall-ID: tls2@127.0.0.1\r\nCSeq: 1 REGISTER\r\n" +
                          "Contact: <sip:1001@127.0.0.1:5999;transport=tls>\r\n" +
                          "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  const auto status = tls_request(tls_port_, reg);
  EXPECT_EQ(status.rfind("SIP/2.0 401", 0), 0u) << status;
}

HOTLINE_INSTANTIATE_API_TEST(SipTlsTest);

}  // namespace
}  // namespace hotline::test
