#pragma once
// Fixed parameters of the media clock: everything inside the engine is 8 kHz 16-bit mono
// linear PCM moved in 20 ms frames; codecs convert at the edges.
#include <cstddef>
#include <cstdint>

namespace hotline::media {

inline constexpr int kSampleRate = 8000;
inline constexpr int kTickMs = 20;
inline constexpr std::size_t kFrameSamples = kSampleRate * kTickMs / 1000;  // 160
inline constexpr int kDefaultPtimeMs = 20;
// Largest RTP payload accepted or produced (60 ms of G.711), and largest datagram read.
inline constexpr std::size_t kMaxPayloadBytes = 480;
inline constexpr std::size_t kMaxDatagramBytes = 1500;

inline constexpr bool is_supported_ptime(int ptime_ms) {
  return ptime_ms == 10 || ptime_ms == 20 || ptime_ms == 30;
}

}  // namespace hotline::media
