#pragma once
// In-band DTMF detection on decoded audio, for peers that send tones instead of RFC 4733
// events. Wraps spandsp's DTMF receiver; digits are collected per frame and handed out with
// the caller's timestamp for that frame.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace hotline::media {

struct DetectedTone {
  char digit = 0;
  std::int64_t detected_ms = 0;
};

class InbandDtmfDetector {
 public:
  InbandDtmfDetector();
  ~InbandDtmfDetector();
  InbandDtmfDetector(const InbandDtmfDetector&) = delete;
  InbandDtmfDetector& operator=(const InbandDtmfDetector&) = delete;

  // Feeds one frame of 8 kHz audio; returns the digits completed in it (usually none).
  std::span<const DetectedTone> process(std::span<const std::int16_t> samples, std::int64_t now_ms);

 private:
  struct State;
  static void on_digits(void* user_data, const char* digits, int length);

  std::unique_ptr<State> state_;
  std::array<DetectedTone, 8> detected_{};
  std::size_t detected_count_ = 0;
  std::int64_t frame_ms_ = 0;
};

}  // namespace hotline::media
