#include "call/sip_outcome.hpp"

namespace hotline::call {

std::string disposition_for(int status) {
  switch (status) {
    case 486:
    case 600:
      return "busy";
    case 603:
      return "rejected";
    case 408:
    case 480:
    case 487:
      return "no_answer";
    default:
      return "failed";
  }
}

int caller_status_for(const std::string& disposition, int callee_status) {
  if (disposition == "busy") return 486;
  if (disposition == "rejected") return 603;
  if (disposition == "no_answer") return 480;
  if (callee_status == 404 || callee_status == 484) return 404;
  return 503;
}

std::string cause_text(int status, const std::string& phrase) {
  return "sip:" + std::to_string(status) + (phrase.empty() ? "" : " " + phrase);
}

}  // namespace hotline::call
