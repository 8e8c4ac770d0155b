#include "media/telephone_event.hpp"

#include <cctype>
#include <string_view>

#include "media/byte_order.hpp"

namespace hotline::media {

namespace {
constexpr std::string_view kDigits = "0123456789*#ABCD";
}

std::optional<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload) {
  if (payload.size() < kTelephoneEventBytes) return std::nullopt;
  TelephoneEvent event;
  event.event = payload[0];
  event.end = (payload[1] & 0x80) != 0;
  event.volume = payload[1] & 0x3F;
  event.duration = read_be16(payload.data() + 2);
  return event;
}

void write_telephone_event(const TelephoneEvent& event, std::span<std::uint8_t, 4> out) {
  out[0] = event.event;
  out[1] = static_cast<std::uint8_t>((event.end ? 0x80 : 0) | (event.volume & 0x3F));
  write_be16(out.data() + 2, event.duration);
}

std::optional<std::uint8_t> dtmf_event_code(char digit) {
  const auto upper = static_cast<char>(std::toupper(static_cast<unsigned char>(digit)));
  const auto index = kDigits.find(upper);
  if (index == std::string_view::npos) return std::nullopt;
  return static_cast<std::uint8_t>(index);
}

std::optional<char> dtmf_digit(std::uint8_t event_code) {
  if (event_code >= kDigits.size()) return std::nullopt;
  return kDigits[event_code];
}

}  // namespace hotline::media
