#include "sip/scanner_filter.hpp"

#include <cctype>

namespace hotline::sip {

namespace {

std::string lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

ScannerFilter::ScannerFilter(const std::vector<std::string>& patterns) {
  for (const auto& pattern : patterns)
    if (!pattern.empty()) patterns_.push_back(lower(pattern));
}

std::string ScannerFilter::match(std::string_view user_agent) const {
  if (user_agent.empty()) return {};
  const auto agent = lower(user_agent);
  for (const auto& pattern : patterns_)
    if (agent.find(pattern) != std::string::npos) return pattern;
  return {};
}

}  // namespace hotline::sip
