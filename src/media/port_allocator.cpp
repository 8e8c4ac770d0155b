#include "media/port_allocator.hpp"

#include <charconv>
#include <string_view>

namespace hotline::media {

Result<PortRange> parse_port_range(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return Error{"bad_port_range", "expected LOW-HIGH"};
  unsigned low = 0;
  unsigned high = 0;
  const auto low_text = text.substr(0, dash);
  const auto high_text = text.substr(dash + 1);
  const auto [low_end, low_ec] =
      std::from_chars(low_text.data(), low_text.data() + low_text.size(), low);
  const auto [high_end, high_ec] =
      std::from_chars(high_text.data(), high_text.data() + high_text.size(), high);
  if (low_ec != std::errc() || high_ec != std::errc() ||
      low_end != low_text.data() + low_text.size() ||
      high_end != high_text.data() + high_text.size())
    return Error{"bad_port_range", "expected LOW-HIGH"};
  if (low < 1024 || high > 65535 || low > high)
    return Error{"bad_port_range", "ports out of range"};
  const unsigned first_even = low + (low % 2);
  if (first_even + 1 > high) return Error{"bad_port_range", "range holds no RTP/RTCP pair"};
  return PortRange{static_cast<std::uint16_t>(low), static_cast<std::uint16_t>(high)};
}

PortAllocator::PortAllocator(PortRange range)
    : first_even_(static_cast<std::uint16_t>(range.low + (range.low % 2))),
      pair_count_(range.high > first_even_ ? (range.high - first_even_ + 1) / 2 : 0) {}

Result<RtpSocketPair> PortAllocator::allocate(const SocketAddress& address) {
  for (std::uint32_t attempt = 0; attempt < pair_count_; ++attempt) {
    const std::uint32_t index = cursor_.fetch_add(1, std::memory_order_relaxed) % pair_count_;
    const auto rtp_port = static_cast<std::uint16_t>(first_even_ + index * 2);
    SocketAddress rtp_address = address;
    rtp_address.set_port(rtp_port);
    auto rtp = UdpSocket::bind(rtp_address);
    if (!rtp) continue;
    SocketAddress rtcp_address = address;
    rtcp_address.set_port(static_cast<std::uint16_t>(rtp_port + 1));
    auto rtcp = UdpSocket::bind(rtcp_address);
    if (!rtcp) continue;
    return RtpSocketPair{std::move(*rtp), std::move(*rtcp), rtp_port};
  }
  return Error{"no_free_ports", "no free RTP port pair in the configured range"};
}

}  // namespace hotline::media
