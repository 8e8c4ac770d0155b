#include "pcap_writer.hpp"

#include <array>
#include <stdexcept>

namespace hotline::test {

namespace {

void put32_le(std::ofstream& file, std::uint32_t value) {
  const std::array<char, 4> bytes{static_cast<char>(value), static_cast<char>(value >> 8),
                                  static_cast<char>(value >> 16), static_cast<char>(value >> 24)};
  file.write(bytes.data(), bytes.size());
}

}  // namespace

void put16(std::vector<std::uint8_t>& out, unsigned value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  put16(out, value >> 16);
  put16(out, value & 0xffff);
}

PcapWriter::PcapWriter(const std::string& path) : file_(path, std::ios::binary) {
  if (!file_) throw std::runtime_error("cannot write " + path);
  put32_le(file_, 0xa1b2c3d4);  // microsecond timestamps, our byte order
  put32_le(file_, 0x00040002);  // version 2.4
  put32_le(file_, 0);           // time zone
  put32_le(file_, 0);           // accuracy
  put32_le(file_, 65535);       // snap length
  put32_le(file_, 1);           // Ethernet
}

void PcapWriter::udp(std::int64_t at_us, const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> frame(12, 0);  // MAC addresses
  put16(frame, 0x0800);
  const unsigned ip_length = 20 + 8 + static_cast<unsigned>(payload.size());
  const std::size_t ip_start = frame.size();
  frame.insert(frame.end(), {0x45, 0x00});
  put16(frame, ip_length);
  put16(frame, ident_++);
  put16(frame, 0);
  frame.insert(frame.end(), {64, 17});
  put16(frame, 0);  // checksum, below
  put32(frame, 0x7f000002);
  put32(frame, 0x7f000001);
  std::uint32_t sum = 0;
  for (std::size_t i = ip_start; i < ip_start + 20; i += 2)
    sum += static_cast<std::uint32_t>(frame[i] << 8 | frame[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  frame[ip_start + 10] = static_cast<std::uint8_t>(~sum >> 8);
  frame[ip_start + 11] = static_cast<std::uint8_t>(~sum);
  put16(frame, 40000);
  put16(frame, 40002);
  put16(frame, 8 + static_cast<unsigned>(payload.size()));
  put16(frame, 0);  // no UDP checksum
  frame.insert(frame.end(), payload.begin(), payload.end());
  put32_le(file_, static_cast<std::uint32_t>(at_us / 1'000'000));
  put32_le(file_, static_cast<std::uint32_t>(at_us % 1'000'000));
  put32_le(file_, static_cast<std::uint32_t>(frame.size()));
  put32_le(file_, static_cast<std::uint32_t>(frame.size()));
  file_.write(reinterpret_cast<const char*>(frame.data()),
              static_cast<std::streamsize>(frame.size()));
}

}  // namespace hotline::test
