#include "media/sip_info_dtmf.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include "media/telephone_event.hpp"

namespace hotline::media {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::optional<char> digit_from(std::string_view value) {
  value = trim(value);
  if (value.size() == 1 && dtmf_event_code(value[0]))
    return static_cast<char>(std::toupper(static_cast<unsigned char>(value[0])));
  // Some phones send the event number ("10" for '*', "11" for '#').
  int code = -1;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), code);
  if (ec == std::errc() && ptr == value.data() + value.size() && code >= 0 && code <= 15)
    return dtmf_digit(static_cast<std::uint8_t>(code));
  return std::nullopt;
}

}  // namespace

std::optional<SipInfoDigit> parse_sip_info_dtmf(std::string_view content_type,
                                                std::string_view body) {
  const auto type = lower(trim(content_type.substr(0, content_type.find(';'))));
  if (body.size() > 1024) return std::nullopt;
  if (type == "application/dtmf") {
    const auto digit = digit_from(body);
    if (!digit) return std::nullopt;
    return SipInfoDigit{*digit, 0};
  }
  if (type != "application/dtmf-relay") return std::nullopt;
  std::optional<char> digit;
  int duration_ms = 0;
  while (!body.empty()) {
    const auto newline = body.find('\n');
    const auto line = body.substr(0, newline);
    body.remove_prefix(newline == std::string_view::npos ? body.size() : newline + 1);
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    const auto name = lower(trim(line.substr(0, equals)));
    const auto value = trim(line.substr(equals + 1));
    if (name == "signal") {
      digit = digit_from(value);
    } else if (name == "duration") {
      int parsed = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
      if (ec == std::errc() && ptr == value.data() + value.size() && parsed > 0 && parsed < 60000)
        duration_ms = parsed;
    }
  }
  if (!digit) return std::nullopt;
  return SipInfoDigit{*digit, duration_ms};
}

}  // namespace hotline::media
