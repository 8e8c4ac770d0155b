#pragma once
// The control thread: one io_context run by one thread. It owns call, registrar and security
// state (src/sip today; calls, IVR, ACD and CTI later): their code runs only here, so it needs
// no locks. Other threads post work to context(); slow work runs elsewhere and posts back.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

namespace hotline::app {

class ControlThread {
 public:
  ControlThread();
  ~ControlThread();  // stop()
  ControlThread(const ControlThread&) = delete;
  ControlThread& operator=(const ControlThread&) = delete;

  boost::asio::io_context& context() { return io_; }
  // Stops running handlers and joins the thread; pending handlers are not run. Idempotent.
  void stop();

 private:
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace hotline::app
