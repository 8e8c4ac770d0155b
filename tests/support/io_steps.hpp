#pragma once
// Runs one asynchronous Beast/Asio operation to completion on a private io_context: the way
// these blocking test clients get per-step timeouts (tcp_stream deadlines only apply to
// asynchronous operations).
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/error.hpp>

namespace hotline::test {

// `start(handler)` starts the operation; `handler(ec, ...)` records its result.
template <typename Start>
boost::beast::error_code run_step(boost::asio::io_context& io, Start&& start) {
  boost::beast::error_code result;
  start([&result](boost::beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

}  // namespace hotline::test
