#pragma once
// RFC 4733 telephone-event payload (section 2.3): event, end bit, volume, duration.
#include <cstdint>
#include <optional>
#include <span>

namespace hotline::media {

struct TelephoneEvent {
  std::uint8_t event = 0;  // 0-9, 10 = '*', 11 = '#', 12-15 = A-D
  bool end = false;
  std::uint8_t volume = 10;    // -dBm0, 0..63
  std::uint16_t duration = 0;  // RTP timestamp units since the event's timestamp
};

inline constexpr std::size_t kTelephoneEventBytes = 4;

// nullopt when shorter than 4 bytes (extra bytes, e.g. redundancy, are ignored).
std::optional<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload);
void write_telephone_event(const TelephoneEvent& event, std::span<std::uint8_t, 4> out);

// '0'..'9', '*', '#', 'A'..'D' <-> event codes 0..15; other characters/codes give nullopt.
std::optional<std::uint8_t> dtmf_event_code(char digit);
std::optional<char> dtmf_digit(std::uint8_t event_code);

}  // namespace hotline::media
