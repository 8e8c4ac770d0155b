#pragma once
// How a SIP final answer to one of our INVITEs reads in a call record, and what the caller is
// told when no callee answered.
#include <string>

namespace hotline::call {

// 486/600 busy, 603 rejected, 408/480/487 no_answer, anything else failed.
std::string disposition_for(int status);
// The status the caller gets for a call that ended with `disposition`.
int caller_status_for(const std::string& disposition, int callee_status);
// "sip:486 Busy Here": the cause kept in the call record.
std::string cause_text(int status, const std::string& phrase);

}  // namespace hotline::call
