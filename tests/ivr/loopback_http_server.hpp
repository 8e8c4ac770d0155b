#pragma once
// A real HTTP/1.1 server on 127.0.0.1 (port chosen by the system) for data-source tests: each
// connection is served on its own thread by a handler that decides the answer, including a
// delay (a slow source) or closing without an answer.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hotline::ivr::testing {

struct SeenRequest {
  std::string method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;
};

struct CannedResponse {
  int status = 200;
  std::string body;
  int delay_ms = 0;
  bool close_without_answer = false;
};

class LoopbackHttpServer {
 public:
  using Handler = std::function<CannedResponse(const SeenRequest&)>;

  explicit LoopbackHttpServer(Handler handler);
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  unsigned short port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<SeenRequest> requests() const;
  int request_count() const;

 private:
  struct Acceptor;
  void accept_loop();
  void serve(boost::asio::ip::tcp::socket socket);

  Handler handler_;
  std::unique_ptr<Acceptor> acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable stop_signal_;
  std::vector<SeenRequest> requests_;
  std::vector<std::thread> connections_;
  std::thread accept_thread_;
};

// A loopback port where nothing listens (bound, then released), for a dead source.
unsigned short unused_loopback_port();

}  // namespace hotline::ivr::testing
