#include "media/audio_codec.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "media/g711.hpp"
#include "media/media_constants.hpp"

namespace hotline::media {

namespace {

class PcmuCodec final : public AudioCodec {
 public:
  const CodecDescriptor& descriptor() const override { return pcmu_codec(); }
  std::size_t encode(std::span<const std::int16_t> samples, std::span<std::uint8_t> out) override {
    if (out.size() < samples.size()) return 0;
    g711::encode_ulaw(samples, out);
    return samples.size();
  }
  std::size_t decode(std::span<const std::uint8_t> payload, std::span<std::int16_t> out) override {
    const std::size_t count = std::min(payload.size(), out.size());
    g711::decode_ulaw(payload.first(count), out);
    return count;
  }
  std::uint8_t silence_byte() const override { return 0xFF; }
};

class PcmaCodec final : public AudioCodec {
 public:
  const CodecDescriptor& descriptor() const override { return pcma_codec(); }
  std::size_t encode(std::span<const std::int16_t> samples, std::span<std::uint8_t> out) override {
    if (out.size() < samples.size()) return 0;
    g711::encode_alaw(samples, out);
    return samples.size();
  }
  std::size_t decode(std::span<const std::uint8_t> payload, std::span<std::int16_t> out) override {
    const std::size_t count = std::min(payload.size(), out.size());
    g711::decode_alaw(payload.first(count), out);
    return count;
  }
  std::uint8_t silence_byte() const override { return 0xD5; }
};

template <typename Codec>
std::unique_ptr<AudioCodec> make() {
  return std::make_unique<Codec>();
}

// Preference order for offers: PCMA first, as Chinese carriers and phones default to it.
const std::array<CodecDescriptor, 2> kCodecs{{
    {"PCMA", 8, 8000, 8000, 1, 8, &make<PcmaCodec>},
    {"PCMU", 0, 8000, 8000, 1, 8, &make<PcmuCodec>},
}};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::span<const CodecDescriptor> codec_table() {
  return kCodecs;
}

const CodecDescriptor* find_codec(std::string_view name, int rtp_clock_rate) {
  for (const auto& codec : kCodecs)
    if (equal_ignoring_case(codec.name, name) && codec.rtp_clock_rate == rtp_clock_rate)
      return &codec;
  return nullptr;
}

const CodecDescriptor* find_codec_by_static_payload_type(int payload_type) {
  for (const auto& codec : kCodecs)
    if (codec.static_payload_type >= 0 && codec.static_payload_type == payload_type) return &codec;
  return nullptr;
}

const CodecDescriptor& pcma_codec() {
  return kCodecs[0];
}

const CodecDescriptor& pcmu_codec() {
  return kCodecs[1];
}

std::size_t transcode(AudioCodec& from, AudioCodec& to, std::span<const std::uint8_t> payload,
                      std::span<std::uint8_t> out) {
  std::array<std::int16_t, kMaxPayloadBytes * 2> linear{};
  if (payload.size() > kMaxPayloadBytes) return 0;
  const std::size_t samples = from.decode(payload, linear);
  return to.encode(std::span<const std::int16_t>(linear.data(), samples), out);
}

}  // namespace hotline::media
