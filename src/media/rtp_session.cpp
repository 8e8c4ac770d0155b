#include "media/rtp_session.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include "common/clock.hpp"
#include "media/rtcp_packet.hpp"

namespace hotline::media {

namespace {

// Batches read per wakeup; epoll is level-triggered, so a flood cannot starve the clock.
constexpr int kMaxReadRounds = 4;
constexpr std::uint8_t kComfortNoisePayloadType = 13;
constexpr std::int64_t kMicrosPerRtpUnit = 1'000'000 / kSampleRate;  // 125 us at 8 kHz

std::uint32_t random_u32() {
  static thread_local std::mt19937 generator{std::random_device{}()};
  return static_cast<std::uint32_t>(generator());
}

// Wall-clock time of something that happened at `steady_ms` (the steady clock's past).
EpochMs wall_time_of(std::int64_t steady_ms, std::int64_t now_steady_ms) {
  return now_ms() - (now_steady_ms - steady_ms);
}

double units_to_ms(std::uint32_t units) {
  return static_cast<double>(units) * 1000.0 / kSampleRate;
}

std::uint32_t ntp_middle(std::uint64_t ntp) {
  return static_cast<std::uint32_t>(ntp >> 16);
}

std::int64_t unix_micros_now() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

RtpSession::RtpSession(EndpointId id, RtpSocketPair sockets, const EndpointSettings& settings,
                       MediaEventQueue& events, WorkerCounters& counters)
    : id_(id),
      sockets_(std::move(sockets)),
      settings_(settings),
      events_(events),
      counters_(counters),
      cname_("hotline-" + std::to_string(id)),
      jitter_buffer_(settings.jitter_buffer),
      ssrc_(random_u32()),
      sequence_(static_cast<std::uint16_t>(random_u32())),
      timestamp_(random_u32()) {}

void RtpSession::set_remote(const RemoteMedia& remote, std::int64_t now_ms) {
  const bool codec_changed = !remote_ || remote_->codec != remote.codec;
  const bool address_changed = !remote_ || !(remote_->rtp == remote.rtp);
  remote_ = remote;
  if (codec_changed) {
    jitter_buffer_.reset();  // queued packets are in the old codec
    decoder_ = remote.codec->create();
    encoder_ = remote.codec->create();
    jitter_buffer_.set_decoder(decoder_.get());
  }
  samples_per_packet_ = remote.ptime_ms * kSampleRate / 1000;
  if (address_changed) {
    // A new signalled address (re-INVITE): learn the peer again.
    rtp_peer_ = remote.rtp;
    rtcp_peer_ = remote.rtcp;
    rtp_latched_ = false;
    rtcp_latched_ = false;
  }
  const bool inband = settings_.inband_dtmf == InbandDtmfMode::on ||
                      (settings_.inband_dtmf == InbandDtmfMode::automatic &&
                       remote.telephone_event_payload_type < 0);
  if (inband && !inband_detector_) inband_detector_.emplace();
  if (!inband) inband_detector_.reset();
  last_received_ms_ = now_ms;
  timed_out_ = false;
  if (next_rtcp_ms_ == 0) next_rtcp_ms_ = now_ms + settings_.rtcp_interval.count();
}

bool RtpSession::can_send() const {
  return remote_ && (remote_->direction == MediaDirection::sendrecv ||
                     remote_->direction == MediaDirection::sendonly);
}

bool RtpSession::expects_media() const {
  return remote_ && (remote_->direction == MediaDirection::sendrecv ||
                     remote_->direction == MediaDirection::recvonly);
}

void RtpSession::on_rtp_readable(std::int64_t now_us, ReceiveBatch& batch) {
  for (int round = 0; round < kMaxReadRounds; ++round) {
    const std::size_t count = sockets_.rtp.receive_batch(batch);
    for (std::size_t i = 0; i < count; ++i) {
      WorkerCounters::bump(counters_.packets_received);
      if (batch.truncated(i)) {  // larger than any RTP we take
        ++dropped_malformed_;
        WorkerCounters::bump(counters_.dropped_malformed);
        continue;
      }
      handle_rtp(batch.datagram(i), batch.source(i), now_us);
    }
    if (count < batch.capacity()) return;  // drained
  }
}

void RtpSession::on_rtcp_readable(std::int64_t now_us, ReceiveBatch& batch) {
  for (int round = 0; round < kMaxReadRounds; ++round) {
    const std::size_t count = sockets_.rtcp.receive_batch(batch);
    for (std::size_t i = 0; i < count; ++i) {
      if (batch.truncated(i)) {
        WorkerCounters::bump(counters_.dropped_malformed);
        continue;
      }
      handle_rtcp(batch.datagram(i), batch.source(i), now_us);
    }
    if (count < batch.capacity()) return;
  }
}

bool RtpSession::accept_rtp_source(const SocketAddress& from, std::uint8_t payload_type) {
  if (rtp_latched_) {
    if (from == rtp_peer_) return true;
    // The signalled address always wins over whatever latched first (a spoofed early flood).
    if (!(from == remote_->rtp)) return false;
  } else {
    // Only a packet of a negotiated type may teach us the peer's address.
    const bool negotiated = payload_type == remote_->payload_type ||
                            (remote_->telephone_event_payload_type >= 0 &&
                             payload_type == remote_->telephone_event_payload_type);
    if (!negotiated) return false;
  }
  rtp_peer_ = from;
  rtp_latched_ = true;
  if (!rtcp_latched_ && !(from == remote_->rtp)) {
    // Behind NAT the RTCP port is most likely the learned RTP port + 1.
    rtcp_peer_ = from;
    rtcp_peer_.set_port(static_cast<std::uint16_t>(from.port() + 1));
  }
  return true;
}

void RtpSession::on_new_source(std::uint32_t ssrc, std::uint16_t sequence) {
  if (have_source_) {
    previous_sources_expected_ += receive_stats_.expected();
    previous_sources_lost_ += receive_stats_.lost();
    previous_sources_received_ += receive_stats_.received();
    ++source_changes_;
    jitter_buffer_.start_new_stream();
  }
  have_source_ = true;
  source_ssrc_ = ssrc;
  receive_stats_.reset(ssrc, sequence);
}

void RtpSession::handle_rtp(std::span<const std::uint8_t> datagram, const SocketAddress& from,
                            std::int64_t now_us) {
  RtpPacketView packet;
  if (parse_rtp(datagram, packet) != RtpParseError::none || looks_like_rtcp(datagram)) {
    ++dropped_malformed_;
    WorkerCounters::bump(counters_.dropped_malformed);
    return;
  }
  if (!remote_) {
    WorkerCounters::bump(counters_.dropped_no_remote);
    return;
  }
  if (!accept_rtp_source(from, packet.header.payload_type)) {
    ++dropped_unknown_source_;
    WorkerCounters::bump(counters_.dropped_unknown_source);
    return;
  }
  const std::uint8_t payload_type = packet.header.payload_type;
  const bool audio = payload_type == remote_->payload_type;
  const bool event = remote_->telephone_event_payload_type >= 0 &&
                     payload_type == remote_->telephone_event_payload_type;
  if (!audio && !event) {
    if (payload_type != kComfortNoisePayloadType) {
      ++dropped_unknown_payload_;
      WorkerCounters::bump(counters_.dropped_unknown_payload);
    }
    return;
  }
  ++packets_received_;
  const std::int64_t now_ms = now_us / 1000;
  last_received_ms_ = now_ms;
  if (timed_out_) {
    timed_out_ = false;
    events_.push(MediaTimeout{id_, 0, true, hotline::now_ms()});
  }
  if (!have_source_ || packet.header.ssrc != source_ssrc_)
    on_new_source(packet.header.ssrc, packet.header.sequence);
  receive_stats_.on_sequence(packet.header.sequence);

  if (audio) {
    receive_stats_.on_transit(static_cast<std::uint32_t>(now_us / kMicrosPerRtpUnit),
                              packet.header.timestamp);
    max_jitter_ = std::max(max_jitter_, receive_stats_.jitter());
    jitter_buffer_.push(packet.header.sequence, packet.payload);
    return;
  }
  // Events occupy sequence numbers; tell the jitter buffer so it does not wait for them.
  jitter_buffer_.push(packet.header.sequence, {});
  const auto digits = dtmf_receiver_.on_packet(packet.header.timestamp, packet.payload, now_ms);
  for (std::size_t i = 0; i < digits.count; ++i) {
    const auto& digit = digits.digits[i];
    report_digit(digit.digit, digit.duration_ms, DtmfSource::rfc4733, digit.started_ms, now_ms);
  }
}

void RtpSession::handle_rtcp(std::span<const std::uint8_t> datagram, const SocketAddress& from,
                             std::int64_t now_us) {
  RtcpReport report;
  if (parse_rtcp(datagram, report) != RtcpParseError::none) {
    WorkerCounters::bump(counters_.dropped_malformed);
    return;
  }
  if (!remote_) {
    WorkerCounters::bump(counters_.dropped_no_remote);
    return;
  }
  if (rtcp_latched_ ? !(from == rtcp_peer_) : !from.same_host(rtp_peer_)) {
    WorkerCounters::bump(counters_.dropped_unknown_source);
    return;
  }
  rtcp_peer_ = from;
  rtcp_latched_ = true;
  WorkerCounters::bump(counters_.rtcp_received);
  if (report.has_sender_info) {
    have_sender_report_ = true;
    last_sr_middle_ = ntp_middle(report.sender.ntp_timestamp);
    last_sr_received_us_ = now_us;
  }
  for (std::size_t i = 0; i < report.block_count; ++i) {
    const auto& block = report.blocks[i];
    if (block.ssrc != ssrc_) continue;
    remote_block_ = block;
    if (block.last_sr != 0) {
      // RFC 3550 section 6.4.1: RTT = arrival - LSR - DLSR, in 1/65536 s.
      const std::uint32_t arrival = ntp_middle(ntp_from_unix_micros(unix_micros_now()));
      const std::uint32_t rtt = arrival - block.last_sr - block.delay_since_last_sr;
      if (rtt < (1u << 20)) round_trip_ms_ = rtt * 1000.0 / 65536.0;  // ignore nonsense (>16 s)
    }
  }
}

void RtpSession::report_digit(char digit, int duration_ms, DtmfSource source,
                              std::int64_t started_steady_ms, std::int64_t now_ms) {
  events_.push(
      DtmfReceived{id_, digit, source, duration_ms, wall_time_of(started_steady_ms, now_ms)});
  if (player_.barge_in()) {
    player_.stop();
    events_.push(
        PlaybackFinished{id_, playback_, PlaybackEnd::barged_in, digit, hotline::now_ms()});
  }
}

void RtpSession::inject_digit(char digit, int duration_ms, DtmfSource source, std::int64_t now_ms) {
  report_digit(digit, duration_ms, source, now_ms, now_ms);
}

void RtpSession::receive_frame(std::int64_t now_ms) {
  jitter_buffer_.pull(input_);
  const auto timed_out = dtmf_receiver_.on_tick(now_ms);
  for (std::size_t i = 0; i < timed_out.count; ++i) {
    const auto& digit = timed_out.digits[i];
    report_digit(digit.digit, digit.duration_ms, DtmfSource::rfc4733, digit.started_ms, now_ms);
  }
  if (inband_detector_) {
    for (const auto& tone : inband_detector_->process(input_, now_ms))
      report_digit(tone.digit, 0, DtmfSource::inband, tone.detected_ms, now_ms);
  }
  if (expects_media() && !timed_out_ &&
      now_ms - last_received_ms_ >= settings_.media_timeout.count()) {
    timed_out_ = true;
    events_.push(
        MediaTimeout{id_, static_cast<int>(now_ms - last_received_ms_), false, hotline::now_ms()});
  }
}

void RtpSession::play(PlaybackId playback, PlayRequest request) {
  if (player_.active()) stop_playback(PlaybackEnd::replaced);
  playback_ = playback;
  player_.start(std::move(request));
  if (!player_.active())
    events_.push(PlaybackFinished{id_, playback, PlaybackEnd::completed, 0, hotline::now_ms()});
}

void RtpSession::stop_playback(PlaybackEnd reason) {
  if (!player_.active()) return;
  player_.stop();
  events_.push(PlaybackFinished{id_, playback_, reason, 0, hotline::now_ms()});
}

bool RtpSession::queue_dtmf(std::string_view digits, int duration_ms, int pause_ms) {
  if (!remote_ || remote_->telephone_event_payload_type < 0) return false;  // no RFC 4733 peer
  return dtmf_sender_.queue(digits, duration_ms, pause_ms);
}

void RtpSession::send_packet(const RtpHeader& header, std::span<const std::uint8_t> payload) {
  const std::size_t size = write_rtp(header, payload, packet_);
  if (size == 0) return;
  if (sockets_.rtp.send(std::span<const std::uint8_t>(packet_.data(), size), rtp_peer_)) {
    ++packets_sent_;
    octets_sent_ += payload.size();
    WorkerCounters::bump(counters_.packets_sent);
  } else {
    WorkerCounters::bump(counters_.send_failures);
  }
}

void RtpSession::send_frame(std::int64_t now_ms) {
  if (player_.active() && player_.fill(output_) == Player::Tick::finished)
    events_.push(PlaybackFinished{id_, playback_, PlaybackEnd::completed, 0, hotline::now_ms()});
  if (!remote_ || !encoder_) return;

  if (can_send()) {
    std::copy(output_.begin(), output_.end(),
              pending_.begin() + static_cast<std::ptrdiff_t>(pending_size_));
    pending_size_ += kFrameSamples;
    const auto packet_samples = static_cast<std::size_t>(samples_per_packet_);
    while (pending_size_ >= packet_samples) {
      const auto event = dtmf_sender_.next(timestamp_, samples_per_packet_);
      if (event && remote_->telephone_event_payload_type >= 0) {
        const RtpHeader header{event->marker,
                               static_cast<std::uint8_t>(remote_->telephone_event_payload_type),
                               sequence_++, event->timestamp, ssrc_};
        send_packet(header, event->payload);
      } else {
        const RtpHeader header{first_packet_, static_cast<std::uint8_t>(remote_->payload_type),
                               sequence_++, timestamp_, ssrc_};
        first_packet_ = false;
        const std::size_t size = encoder_->encode(
            std::span<const std::int16_t>(pending_.data(), packet_samples), payload_);
        send_packet(header, std::span<const std::uint8_t>(payload_.data(), size));
      }
      timestamp_ += static_cast<std::uint32_t>(samples_per_packet_);
      std::copy(pending_.begin() + static_cast<std::ptrdiff_t>(packet_samples),
                pending_.begin() + static_cast<std::ptrdiff_t>(pending_size_), pending_.begin());
      pending_size_ -= packet_samples;
    }
  }
  if (now_ms >= next_rtcp_ms_) {
    next_rtcp_ms_ = now_ms + settings_.rtcp_interval.count();
    send_rtcp();
    events_.push(RtcpStatsReport{id_, false, stats(), hotline::now_ms()});
  }
}

void RtpSession::send_rtcp() {
  RtcpReport report;
  report.ssrc = ssrc_;
  const std::int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::steady_clock::now().time_since_epoch())
                                  .count();
  if (packets_sent_ > 0) {
    report.has_sender_info = true;
    report.sender.ntp_timestamp = ntp_from_unix_micros(unix_micros_now());
    report.sender.rtp_timestamp = timestamp_;
    report.sender.packet_count = static_cast<std::uint32_t>(packets_sent_);
    report.sender.octet_count = static_cast<std::uint32_t>(octets_sent_);
  }
  if (have_source_) {
    auto& block = report.blocks[0];
    block = receive_stats_.make_report_block();
    if (have_sender_report_) {
      block.last_sr = last_sr_middle_;
      block.delay_since_last_sr =
          static_cast<std::uint32_t>((now_us - last_sr_received_us_) * 65536 / 1'000'000);
    }
    report.block_count = 1;
  }
  std::array<std::uint8_t, 256> buffer{};
  const std::size_t size = write_rtcp_report(report, cname_, buffer);
  if (size > 0) sockets_.rtcp.send(std::span<const std::uint8_t>(buffer.data(), size), rtcp_peer_);
}

StreamStats RtpSession::stats() const {
  StreamStats stats;
  stats.packets_received = packets_received_;
  stats.packets_sent = packets_sent_;
  stats.octets_sent = octets_sent_;
  stats.packets_expected =
      previous_sources_expected_ + (have_source_ ? receive_stats_.expected() : 0);
  stats.packets_lost = std::max<std::int64_t>(
      0, previous_sources_lost_ + (have_source_ ? receive_stats_.lost() : 0));
  if (stats.packets_expected > 0)
    stats.loss_percent = 100.0 * static_cast<double>(stats.packets_lost) /
                         static_cast<double>(stats.packets_expected);
  stats.jitter_ms = units_to_ms(receive_stats_.jitter());
  stats.max_jitter_ms = units_to_ms(max_jitter_);
  stats.source_changes = source_changes_;
  if (remote_block_) {
    stats.remote_report = true;
    stats.remote_loss_percent = remote_block_->fraction_lost * 100.0 / 256.0;
    stats.remote_packets_lost = remote_block_->cumulative_lost;
    stats.remote_jitter_ms = units_to_ms(remote_block_->jitter);
  }
  stats.round_trip_ms = round_trip_ms_;
  stats.dropped_malformed = dropped_malformed_;
  stats.dropped_unknown_source = dropped_unknown_source_;
  stats.dropped_unknown_payload = dropped_unknown_payload_;
  stats.jitter_buffer_late = jitter_buffer_.counters().too_late;
  stats.jitter_buffer_overflow =
      jitter_buffer_.counters().overflow + jitter_buffer_.counters().trimmed;
  return stats;
}

void RtpSession::close() {
  stop_playback(PlaybackEnd::endpoint_closed);
  events_.push(RtcpStatsReport{id_, true, stats(), hotline::now_ms()});
}

}  // namespace hotline::media
