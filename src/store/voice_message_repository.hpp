#pragma once
// Voice messages callers leave in the IVR, and their call-back status. The audio files live
// under the data dir.
#include <optional>
#include <string>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/ivr_models.hpp"

namespace hotline::store {

class VoiceMessageRepository {
 public:
  explicit VoiceMessageRepository(Database& db) : db_(db) {}

  // Errors: "invalid" (bad status, no file), "constraint" (no such call).
  Result<Id> create(const VoiceMessage& message);
  Result<std::optional<VoiceMessage>> find(Id id);  // call_uuid joined
  Result<PageOf<VoiceMessage>> query(const VoiceMessageFilter& filter,
                                     const Page& page);  // newest first
  // An agent takes, finishes or reopens a message. Errors: "invalid", "not_found".
  Status update_status(Id id, const std::string& status, std::optional<Id> handled_by,
                       const std::string& note);

 private:
  Database& db_;
};

}  // namespace hotline::store
