#include "media/sdp.hpp"

#include <charconv>
#include <optional>

#include "media/audio_codec.hpp"

namespace hotline::media {

namespace {

// A peer's SDP is hostile input: bound what we are willing to look at.
constexpr std::size_t kMaxSdpBytes = 64 * 1024;
constexpr std::size_t kMaxPayloadTypes = 64;

Error invalid(std::string reason) {
  return Error{"sdp_invalid", std::move(reason)};
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// Splits off the next space-separated token.
std::string_view next_token(std::string_view& text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  const auto space = text.find(' ');
  const auto token = text.substr(0, space);
  text.remove_prefix(space == std::string_view::npos ? text.size() : space);
  return token;
}

struct Connection {
  std::string address;
  bool ipv6 = false;
};

std::optional<Connection> parse_connection(std::string_view value) {
  if (next_token(value) != "IN") return std::nullopt;
  const auto family = next_token(value);
  auto address = next_token(value);
  if (family != "IP4" && family != "IP6") return std::nullopt;
  address = address.substr(0, address.find('/'));  // drop multicast TTL
  if (address.empty()) return std::nullopt;
  return Connection{std::string(address), family == "IP6"};
}

SdpPayload* find_payload(SdpAudio& audio, int payload_type) {
  for (auto& payload : audio.payloads)
    if (payload.payload_type == payload_type) return &payload;
  return nullptr;
}

// "PT rest" from an a=rtpmap / a=fmtp value.
std::optional<std::pair<int, std::string_view>> split_payload_attribute(std::string_view value) {
  const auto space = value.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto payload_type = parse_int(value.substr(0, space));
  if (!payload_type) return std::nullopt;
  auto rest = value.substr(space + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return std::make_pair(*payload_type, rest);
}

void apply_rtpmap(SdpAudio& audio, std::string_view value) {
  const auto parts = split_payload_attribute(value);
  if (!parts) return;
  auto* payload = find_payload(audio, parts->first);
  if (!payload) return;
  auto rest = parts->second;
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return;
  payload->encoding = std::string(rest.substr(0, slash));
  rest.remove_prefix(slash + 1);
  const auto second_slash = rest.find('/');
  if (const auto rate = parse_int(rest.substr(0, second_slash)); rate && *rate > 0)
    payload->clock_rate = *rate;
  if (second_slash != std::string_view::npos)
    if (const auto channels = parse_int(rest.substr(second_slash + 1)); channels && *channels > 0)
      payload->channels = *channels;
}

std::optional<MediaDirection> parse_direction(std::string_view attribute) {
  if (attribute == "sendrecv") return MediaDirection::sendrecv;
  if (attribute == "sendonly") return MediaDirection::sendonly;
  if (attribute == "recvonly") return MediaDirection::recvonly;
  if (attribute == "inactive") return MediaDirection::inactive;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(MediaDirection direction) {
  switch (direction) {
    case MediaDirection::sendrecv:
      return "sendrecv";
    case MediaDirection::sendonly:
      return "sendonly";
    case MediaDirection::recvonly:
      return "recvonly";
    case MediaDirection::inactive:
      return "inactive";
  }
  return "sendrecv";
}

MediaDirection reverse(MediaDirection direction) {
  switch (direction) {
    case MediaDirection::sendonly:
      return MediaDirection::recvonly;
    case MediaDirection::recvonly:
      return MediaDirection::sendonly;
    default:
      return direction;
  }
}

Result<SdpAudio> parse_sdp_audio(std::string_view body) {
  if (body.size() > kMaxSdpBytes) return invalid("body too large");
  std::optional<Connection> session_connection;
  std::optional<Connection> media_connection;
  std::optional<MediaDirection> session_direction;
  std::optional<MediaDirection> media_direction;
  SdpAudio audio;
  enum class Section { session, audio, other_media } section = Section::session;
  bool audio_seen = false;

  while (!body.empty()) {
    const auto newline = body.find('\n');
    auto line = body.substr(0, newline);
    body.remove_prefix(newline == std::string_view::npos ? body.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() < 2 || line[1] != '=') continue;
    const char type = line[0];
    const auto value = line.substr(2);

    if (type == 'm') {
      if (audio_seen) {
        section = Section::other_media;  // only the first audio stream is used
        continue;
      }
      auto rest = value;
      if (next_token(rest) != "audio") {
        section = Section::other_media;
        continue;
      }
      section = Section::audio;
      audio_seen = true;
      const auto port_token = next_token(rest);
      const auto port = parse_int(port_token.substr(0, port_token.find('/')));
      if (!port || *port < 0 || *port > 65535) return invalid("bad m= port");
      audio.port = static_cast<std::uint16_t>(*port);
      const auto protocol = next_token(rest);
      if (protocol != "RTP/AVP" && protocol != "RTP/AVPF") return invalid("unsupported transport");
      for (auto token = next_token(rest); !token.empty(); token = next_token(rest)) {
        const auto payload_type = parse_int(token);
        if (!payload_type || *payload_type < 0 || *payload_type > 127)
          return invalid("bad payload type");
        if (audio.payloads.size() >= kMaxPayloadTypes) return invalid("too many payload types");
        SdpPayload payload;
        payload.payload_type = *payload_type;
        if (const auto* codec = find_codec_by_static_payload_type(*payload_type)) {
          payload.encoding = std::string(codec->name);
          payload.clock_rate = codec->rtp_clock_rate;
        }
        audio.payloads.push_back(std::move(payload));
      }
      continue;
    }
    if (section == Section::other_media) continue;
    if (type == 'c') {
      auto connection = parse_connection(value);
      if (!connection) return invalid("bad c= line");
      (section == Section::session ? session_connection : media_connection) = std::move(connection);
      continue;
    }
    if (type != 'a') continue;
    const auto colon = value.find(':');
    const auto name = value.substr(0, colon);
    const auto attribute_value =
        colon == std::string_view::npos ? std::string_view() : value.substr(colon + 1);
    if (section == Section::session) {
      if (colon == std::string_view::npos)
        if (const auto direction = parse_direction(name)) session_direction = direction;
      continue;
    }
    if (name == "rtpmap") {
      apply_rtpmap(audio, attribute_value);
    } else if (name == "fmtp") {
      if (const auto parts = split_payload_attribute(attribute_value))
        if (auto* payload = find_payload(audio, parts->first))
          payload->fmtp = std::string(parts->second);
    } else if (name == "ptime") {
      if (const auto ptime = parse_int(attribute_value); ptime && *ptime > 0 && *ptime <= 1000)
        audio.ptime_ms = *ptime;
    } else if (name == "rtcp") {
      auto rest = attribute_value;
      if (const auto port = parse_int(next_token(rest)); port && *port > 0 && *port <= 65535)
        audio.rtcp_port = static_cast<std::uint16_t>(*port);
    } else if (colon == std::string_view::npos) {
      if (const auto direction = parse_direction(name)) media_direction = direction;
    }
  }

  if (!audio_seen) return invalid("no audio stream");
  audio.direction = media_direction.value_or(session_direction.value_or(MediaDirection::sendrecv));
  const auto& connection = media_connection ? media_connection : session_connection;
  if (!connection) return invalid("no connection address");
  audio.address = connection->address;
  audio.ipv6 = connection->ipv6;
  return audio;
}

std::string build_sdp(const SdpAudio& audio, const SdpOrigin& origin) {
  const std::string family = audio.ipv6 ? "IP6" : "IP4";
  std::string out;
  out += "v=0\r\n";
  out += "o=hotline " + std::to_string(origin.session_id) + ' ' + std::to_string(origin.version) +
         " IN " + family + ' ' + audio.address + "\r\n";
  out += "s=hotline\r\n";
  out += "c=IN " + family + ' ' + audio.address + "\r\n";
  out += "t=0 0\r\n";
  out += "m=audio " + std::to_string(audio.port) + " RTP/AVP";
  for (const auto& payload : audio.payloads) out += ' ' + std::to_string(payload.payload_type);
  out += "\r\n";
  for (const auto& payload : audio.payloads) {
    out += "a=rtpmap:" + std::to_string(payload.payload_type) + ' ' + payload.encoding + '/' +
           std::to_string(payload.clock_rate);
    if (payload.channels != 1) out += '/' + std::to_string(payload.channels);
    out += "\r\n";
    if (!payload.fmtp.empty())
      out += "a=fmtp:" + std::to_string(payload.payload_type) + ' ' + payload.fmtp + "\r\n";
  }
  if (audio.ptime_ms > 0) out += "a=ptime:" + std::to_string(audio.ptime_ms) + "\r\n";
  if (audio.rtcp_port != 0) out += "a=rtcp:" + std::to_string(audio.rtcp_port) + "\r\n";
  out += "a=" + std::string(to_string(audio.direction)) + "\r\n";
  return out;
}

}  // namespace hotline::media
