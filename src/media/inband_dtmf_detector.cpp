#include "media/inband_dtmf_detector.hpp"

#include <spandsp.h>

namespace hotline::media {

struct InbandDtmfDetector::State {
  dtmf_rx_state_t* receiver = nullptr;
  ~State() {
    if (receiver) dtmf_rx_free(receiver);
  }
};

InbandDtmfDetector::InbandDtmfDetector() : state_(std::make_unique<State>()) {
  state_->receiver = dtmf_rx_init(nullptr, &InbandDtmfDetector::on_digits, this);
}

InbandDtmfDetector::~InbandDtmfDetector() = default;

void InbandDtmfDetector::on_digits(void* user_data, const char* digits, int length) {
  auto* self = static_cast<InbandDtmfDetector*>(user_data);
  for (int i = 0; i < length; ++i) {
    if (self->detected_count_ >= self->detected_.size()) return;
    self->detected_[self->detected_count_++] = DetectedTone{digits[i], self->frame_ms_};
  }
}

std::span<const DetectedTone> InbandDtmfDetector::process(std::span<const std::int16_t> samples,
                                                          std::int64_t now_ms) {
  detected_count_ = 0;
  frame_ms_ = now_ms;
  if (state_->receiver && !samples.empty())
    dtmf_rx(state_->receiver, samples.data(), static_cast<int>(samples.size()));
  return std::span<const DetectedTone>(detected_.data(), detected_count_);
}

}  // namespace hotline::media
