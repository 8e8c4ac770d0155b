#pragma once
// A decoded prompt: 8 kHz mono linear PCM, immutable once loaded and shared between sessions.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hotline::media {

struct AudioClip {
  std::string name;  // file path or a caller-chosen key
  std::vector<std::int16_t> samples;
};

using AudioClipPtr = std::shared_ptr<const AudioClip>;

}  // namespace hotline::media
