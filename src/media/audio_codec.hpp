#pragma once
// The codec table. Callers look codecs up by SDP name or static payload type and work through
// the AudioCodec interface, so adding G.722 or Opus means adding a table entry, not touching
// the RTP, mixer or SDP code.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace hotline::media {

class AudioCodec;

struct CodecDescriptor {
  std::string_view name;    // SDP encoding name as in a=rtpmap, e.g. "PCMU"
  int static_payload_type;  // RFC 3551 static type, or -1 for dynamic codecs
  int rtp_clock_rate;       // RTP timestamp units per second
  int sample_rate;          // rate of the linear audio the codec consumes and produces
  int channels;
  // Encoded bytes for one millisecond of audio; 0 for variable-rate codecs.
  int bytes_per_ms;
  std::unique_ptr<AudioCodec> (*create)();
};

// Stateful per stream (G.711 is not, but G.722 and Opus are): create one per direction.
class AudioCodec {
 public:
  virtual ~AudioCodec() = default;
  virtual const CodecDescriptor& descriptor() const = 0;
  // Encodes linear samples; returns the payload size written to `out` (0 if it does not fit).
  virtual std::size_t encode(std::span<const std::int16_t> samples,
                             std::span<std::uint8_t> out) = 0;
  // Decodes a payload; returns the number of samples written to `out` (truncated to fit).
  virtual std::size_t decode(std::span<const std::uint8_t> payload,
                             std::span<std::int16_t> out) = 0;
  // The encoded form of silence, used when a stream must be filled.
  virtual std::uint8_t silence_byte() const { return 0; }
};

std::span<const CodecDescriptor> codec_table();
// Case-insensitive name match at the given RTP clock rate; nullptr when unknown.
const CodecDescriptor* find_codec(std::string_view name, int rtp_clock_rate);
const CodecDescriptor* find_codec_by_static_payload_type(int payload_type);

const CodecDescriptor& pcmu_codec();
const CodecDescriptor& pcma_codec();

// Re-encodes one payload from one codec into another through linear PCM; returns the size
// written to `out`, or 0 when the payload is too long for the scratch buffer.
std::size_t transcode(AudioCodec& from, AudioCodec& to, std::span<const std::uint8_t> payload,
                      std::span<std::uint8_t> out);

}  // namespace hotline::media
