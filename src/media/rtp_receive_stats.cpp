#include "media/rtp_receive_stats.hpp"

#include <algorithm>
#include <cstdlib>

namespace hotline::media {

void RtpReceiveStats::reset(std::uint32_t ssrc, std::uint16_t sequence) {
  *this = RtpReceiveStats{};
  ssrc_ = ssrc;
  init_sequence(sequence);
  max_sequence_ = static_cast<std::uint16_t>(sequence - 1);
  probation_ = kMinSequential;
}

void RtpReceiveStats::init_sequence(std::uint16_t sequence) {
  base_sequence_ = sequence;
  max_sequence_ = sequence;
  bad_sequence_ = kSequenceModulo + 1;
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
}

bool RtpReceiveStats::on_sequence(std::uint16_t sequence) {
  const auto delta = static_cast<std::uint16_t>(sequence - max_sequence_);
  if (probation_ > 0) {
    if (sequence == static_cast<std::uint16_t>(max_sequence_ + 1)) {
      --probation_;
      max_sequence_ = sequence;
      if (probation_ == 0) {
        init_sequence(sequence);
        ++received_;
        return true;
      }
    } else {
      probation_ = kMinSequential - 1;
      max_sequence_ = sequence;
    }
    return false;
  }
  if (delta < kMaxDropout) {
    if (sequence < max_sequence_) cycles_ += kSequenceModulo;  // wrapped
    max_sequence_ = sequence;
  } else if (delta <= kSequenceModulo - kMaxMisorder) {
    // A large jump: believe it only if the next packet follows it (peer restarted).
    if (sequence == bad_sequence_) {
      init_sequence(sequence);
    } else {
      bad_sequence_ = (std::uint32_t{sequence} + 1) & (kSequenceModulo - 1);
      return false;
    }
  }
  // else: duplicate or reordered within kMaxMisorder, counted as received.
  ++received_;
  return true;
}

void RtpReceiveStats::on_transit(std::uint32_t arrival_rtp_units, std::uint32_t rtp_timestamp) {
  // Differences are taken modulo 2^32 so wrapping clocks do not produce spikes.
  const auto transit = static_cast<std::int32_t>(arrival_rtp_units - rtp_timestamp);
  if (have_transit_) {
    const auto d =
        std::abs(static_cast<std::int64_t>(static_cast<std::int32_t>(transit - transit_)));
    const auto bounded = static_cast<std::uint32_t>(std::min<std::int64_t>(d, 1 << 24));
    jitter_scaled_ += bounded - ((jitter_scaled_ + 8) >> 4);
  }
  transit_ = transit;
  have_transit_ = true;
}

std::int64_t RtpReceiveStats::expected() const {
  if (received_ == 0) return 0;  // nothing validated yet (probation)
  return static_cast<std::int64_t>(extended_highest_sequence()) -
         static_cast<std::int64_t>(base_sequence_) + 1;
}

RtcpReportBlock RtpReceiveStats::make_report_block() {
  RtcpReportBlock block;
  block.ssrc = ssrc_;
  const std::int64_t expected_now = expected();
  const std::int64_t expected_interval = expected_now - expected_prior_;
  const auto received_interval = static_cast<std::int64_t>(received_ - received_prior_);
  expected_prior_ = expected_now;
  received_prior_ = received_;
  const std::int64_t lost_interval = expected_interval - received_interval;
  if (expected_interval > 0 && lost_interval > 0)
    block.fraction_lost = static_cast<std::uint8_t>(
        std::min<std::int64_t>(255, (lost_interval << 8) / expected_interval));
  block.cumulative_lost =
      static_cast<std::int32_t>(std::clamp<std::int64_t>(lost(), -0x800000, 0x7FFFFF));
  block.highest_sequence = extended_highest_sequence();
  block.jitter = jitter();
  return block;
}

}  // namespace hotline::media
