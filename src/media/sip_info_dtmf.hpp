#pragma once
// Digits that arrive in SIP INFO requests (the sip module hands over the body; media stays
// free of SIP). Two bodies are in common use: application/dtmf-relay ("Signal=5\r\n
// Duration=160") and application/dtmf (just "5").
#include <optional>
#include <string_view>

namespace hotline::media {

struct SipInfoDigit {
  char digit = 0;
  int duration_ms = 0;  // 0 when the body gives none
};

std::optional<SipInfoDigit> parse_sip_info_dtmf(std::string_view content_type,
                                                std::string_view body);

}  // namespace hotline::media
