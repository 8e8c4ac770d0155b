#include "app/control_thread.hpp"

#include <spdlog/spdlog.h>

namespace hotline::app {

ControlThread::ControlThread() : work_(io_.get_executor()) {
  thread_ = std::thread([this] {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        // A handler's exception must not take the whole control thread down.
        spdlog::error("control thread: unhandled exception: {}", e.what());
      }
    }
  });
}

ControlThread::~ControlThread() {
  stop();
}

void ControlThread::stop() {
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace hotline::app
