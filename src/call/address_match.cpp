#include "call/address_match.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>
#include <string>

namespace hotline::call {

namespace {

struct Parsed {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
  int bits = 0;
};

bool parse(std::string_view text, Parsed& out) {
  const std::string value(text);
  if (inet_pton(AF_INET, value.c_str(), out.bytes.data()) == 1) {
    out.family = AF_INET;
    out.bits = 32;
    return true;
  }
  if (inet_pton(AF_INET6, value.c_str(), out.bytes.data()) == 1) {
    out.family = AF_INET6;
    out.bits = 128;
    return true;
  }
  return false;
}

}  // namespace

bool address_matches(std::string_view host, std::string_view allowed) {
  Parsed source;
  if (!parse(host, source)) return false;
  Parsed block;
  int prefix = -1;
  const auto slash = allowed.find('/');
  if (slash != std::string_view::npos) {
    const auto bits_text = allowed.substr(slash + 1);
    const auto [end, ec] =
        std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), prefix);
    if (ec != std::errc{} || end != bits_text.data() + bits_text.size()) return false;
    allowed = allowed.substr(0, slash);
  }
  if (!parse(allowed, block) || block.family != source.family) return false;
  if (prefix < 0) prefix = block.bits;
  if (prefix > block.bits) return false;
  const int whole = prefix / 8;
  if (std::memcmp(source.bytes.data(), block.bytes.data(), static_cast<std::size_t>(whole)) != 0)
    return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
  return (source.bytes[whole] & mask) == (block.bytes[whole] & mask);
}

}  // namespace hotline::call
