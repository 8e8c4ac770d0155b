#include "pcap_reader.hpp"

#include <fstream>
#include <iterator>

namespace hotline::media::testing {

namespace {

constexpr std::uint32_t kMagicMicros = 0xA1B2C3D4;
constexpr std::uint32_t kMagicNanos = 0xA1B23C4D;
constexpr std::uint32_t kLinkEthernet = 1;
constexpr std::uint32_t kLinkRaw = 101;

struct Reader {
  const std::vector<std::uint8_t>& bytes;
  bool swap = false;
  std::uint32_t u32(std::size_t offset) const {
    const std::uint32_t little = bytes[offset] | (bytes[offset + 1] << 8) |
                                 (bytes[offset + 2] << 16) |
                                 (static_cast<std::uint32_t>(bytes[offset + 3]) << 24);
    if (!swap) return little;
    return ((little & 0xFF) << 24) | ((little & 0xFF00) << 8) | ((little >> 8) & 0xFF00) |
           (little >> 24);
  }
};

std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

}  // namespace

std::vector<CapturedDatagram> read_pcap_udp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  std::vector<CapturedDatagram> out;
  if (bytes.size() < 24) return out;
  Reader reader{bytes};
  std::uint32_t magic = reader.u32(0);
  if (magic != kMagicMicros && magic != kMagicNanos) {
    reader.swap = true;
    magic = reader.u32(0);
    if (magic != kMagicMicros && magic != kMagicNanos) return out;
  }
  const double fraction_unit = magic == kMagicNanos ? 1e-9 : 1e-6;
  const std::uint32_t link = reader.u32(20);
  std::size_t offset = 24;
  while (offset + 16 <= bytes.size()) {
    const double time = reader.u32(offset) + reader.u32(offset + 4) * fraction_unit;
    const std::uint32_t captured = reader.u32(offset + 8);
    offset += 16;
    if (offset + captured > bytes.size()) break;
    const std::uint8_t* frame = bytes.data() + offset;
    std::size_t length = captured;
    offset += captured;
    if (link == kLinkEthernet) {
      if (length < 14 || be16(frame + 12) != 0x0800) continue;  // IPv4 only
      frame += 14;
      length -= 14;
    } else if (link != kLinkRaw) {
      continue;
    }
    if (length < 20 || (frame[0] >> 4) != 4 || frame[9] != 17) continue;  // IPv4 UDP
    const std::size_t ip_header = (frame[0] & 0x0F) * 4u;
    if (length < ip_header + 8) continue;
    const std::uint8_t* udp = frame + ip_header;
    const std::size_t udp_length = be16(udp + 4);
    if (udp_length < 8 || ip_header + udp_length > length) continue;
    CapturedDatagram datagram;
    datagram.time_s = time;
    datagram.source_port = be16(udp);
    datagram.destination_port = be16(udp + 2);
    datagram.payload.assign(udp + 8, udp + udp_length);
    out.push_back(std::move(datagram));
  }
  return out;
}

}  // namespace hotline::media::testing
