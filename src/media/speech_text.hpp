#pragma once
// Checks text before it reaches espeak-ng: well-formed UTF-8, not blank, within the length
// limit. Surrounding whitespace is dropped so "您好" and " 您好\n" share one cache entry.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace hotline::media {

// Number of Unicode code points, or nothing if `text` is not well-formed UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text);

// The trimmed text. Errors: "tts_invalid_text", "tts_empty_text", "tts_text_too_long"
// (more than `max_chars` code points after trimming).
Result<std::string> prepare_speech_text(std::string_view text, std::size_t max_chars);

}  // namespace hotline::media
