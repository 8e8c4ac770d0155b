#pragma once
// The dial-plan pattern notation of outbound rules (see OutboundRule in telephony_models.hpp):
// digits match themselves, X any digit, Z 1-9, N 2-9, [..] one digit of a set or range
// ("[1-5]", "[135]", "[1-35-7]"), and a trailing '.' one or more further digits. X, Z and N
// are also accepted in lower case.
#include <string_view>

namespace hotline::store {

inline constexpr std::size_t kMaxDialPatternLength = 64;

bool is_valid_dial_pattern(std::string_view pattern);
// True when the whole of `number` (digits only) matches `pattern`; false for an invalid
// pattern.
bool dial_pattern_matches(std::string_view pattern, std::string_view number);

}  // namespace hotline::store
