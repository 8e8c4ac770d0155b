#pragma once
// Recognises the User-Agents of SIP scanners (friendly-scanner, sipvicious, ...), whose
// requests are dropped without an answer so that the scan learns nothing.
#include <string>
#include <string_view>
#include <vector>

namespace hotline::sip {

class ScannerFilter {
 public:
  // Patterns are matched case-insensitively anywhere in the User-Agent.
  explicit ScannerFilter(const std::vector<std::string>& patterns);
  // The pattern that matched, or empty.
  std::string match(std::string_view user_agent) const;

 private:
  std::vector<std::string> patterns_;  // lower case
};

}  // namespace hotline::sip
