#pragma once
// Our media engine as the bench target: every call is two endpoints on one worker, bridged
// (PCMU -> linear -> PCMU) and recorded to a stereo WAV.
#include <memory>
#include <string>
#include <vector>

#include "bench_target.hpp"
#include "media/media_engine.hpp"

namespace hotline::bench {

struct EngineTargetOptions {
  unsigned workers = 0;  // 0: one per core
  int realtime_priority = 0;
  std::string record_dir = "/tmp/hotline-media-bench";
};

class EngineTarget final : public BenchTarget {
 public:
  static Result<std::unique_ptr<EngineTarget>> start(const EngineTargetOptions& options);
  ~EngineTarget() override;

  Result<std::vector<media::SocketAddress>> open_calls(int calls,
                                                       const media::SocketAddress& phones) override;
  bool keeps_source_timing() const override { return false; }
  double cpu_seconds() override;
  long resident_kb() override;
  std::string close_calls(double window_s) override;

 private:
  EngineTarget(EngineTargetOptions options, std::unique_ptr<media::MediaEngine> engine)
      : options_(std::move(options)), engine_(std::move(engine)) {}

  EngineTargetOptions options_;
  std::unique_ptr<media::MediaEngine> engine_;
  std::vector<media::EndpointId> endpoints_;
  std::size_t recordings_ = 0;
};

}  // namespace hotline::bench
