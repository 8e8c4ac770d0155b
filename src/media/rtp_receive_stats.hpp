#pragma once
// Per-source receive statistics as RFC 3550 appendix A describes them: sequence validation
// with probation and resynchronisation after jumps (A.1), expected/lost counts and the
// fraction lost per report interval (A.3), and interarrival jitter (A.8).
#include <cstdint>

#include "media/rtcp_packet.hpp"

namespace hotline::media {

class RtpReceiveStats {
 public:
  // Starts over for a new source (first packet seen or an SSRC change).
  void reset(std::uint32_t ssrc, std::uint16_t sequence);
  // Counts one packet. Returns false when the sequence number is not (yet) believable:
  // during probation of a new source or after a large jump not confirmed by the next packet.
  bool on_sequence(std::uint16_t sequence);
  // Jitter update for audio packets: arrival time and RTP timestamp in the same units.
  void on_transit(std::uint32_t arrival_rtp_units, std::uint32_t rtp_timestamp);

  std::uint32_t ssrc() const { return ssrc_; }
  std::uint32_t extended_highest_sequence() const { return cycles_ + max_sequence_; }
  std::uint64_t received() const { return received_; }
  std::int64_t expected() const;
  std::int64_t lost() const { return expected() - static_cast<std::int64_t>(received_); }
  // Jitter estimate in RTP timestamp units (the value RTCP carries).
  std::uint32_t jitter() const { return jitter_scaled_ >> 4; }
  // The block for our next RTCP report; advances the fraction-lost interval.
  RtcpReportBlock make_report_block();

 private:
  static constexpr int kMinSequential = 2;
  static constexpr std::uint16_t kMaxDropout = 3000;
  static constexpr std::uint16_t kMaxMisorder = 100;
  static constexpr std::uint32_t kSequenceModulo = 1u << 16;

  void init_sequence(std::uint16_t sequence);

  std::uint32_t ssrc_ = 0;
  std::uint16_t max_sequence_ = 0;
  std::uint32_t cycles_ = 0;  // count of sequence wraps, shifted by 16
  std::uint32_t base_sequence_ = 0;
  std::uint32_t bad_sequence_ = kSequenceModulo + 1;  // "impossible" until a jump is seen
  int probation_ = 0;
  std::uint64_t received_ = 0;
  std::int64_t expected_prior_ = 0;
  std::uint64_t received_prior_ = 0;
  bool have_transit_ = false;
  std::int64_t transit_ = 0;
  std::uint32_t jitter_scaled_ = 0;  // jitter * 16, as in A.8
};

}  // namespace hotline::media
