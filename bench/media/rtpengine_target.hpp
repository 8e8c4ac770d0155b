#pragma once
// rtpengine (run by run.sh in userspace mode, --table=-1, on loopback) as the bench target,
// set up through its ng control protocol. rtpengine only relays RTP between the two phones of
// a call: no bridge (no decode/encode) and no recording, unlike EngineTarget.
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "bench_target.hpp"
#include "ng_client.hpp"

namespace hotline::bench {

class RtpengineTarget final : public BenchTarget {
 public:
  // `control` is rtpengine's --listen-ng address, `pid` its process (for CPU and memory).
  static Result<std::unique_ptr<RtpengineTarget>> connect(const media::SocketAddress& control,
                                                          pid_t pid);
  ~RtpengineTarget() override;

  Result<std::vector<media::SocketAddress>> open_calls(int calls,
                                                       const media::SocketAddress& phones) override;
  bool keeps_source_timing() const override { return true; }
  double cpu_seconds() override;
  long resident_kb() override;
  std::string close_calls(double window_s) override;

 private:
  RtpengineTarget(NgClient client, pid_t pid) : client_(std::move(client)), pid_(pid) {}
  std::string call_id(int call) const;

  NgClient client_;
  pid_t pid_;
  int calls_ = 0;  // calls offered so far (deleted by close_calls)
  bool closed_ = false;
};

}  // namespace hotline::bench
