#pragma once
// Prompt metadata; the audio files live under the data dir.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/ivr_models.hpp"

namespace hotline::store {

class PromptRepository {
 public:
  explicit PromptRepository(Database& db) : db_(db) {}

  Result<std::vector<Prompt>> list();  // ordered by name
  Result<std::optional<Prompt>> find(Id id);
  Result<std::optional<Prompt>> find_by_name(const std::string& name);
  // Errors: "conflict" for a duplicate name; "invalid" for an empty name, a bad kind, an audio
  // prompt without a file or a tts prompt without text.
  Result<Id> create(const Prompt& prompt);
  // Every field but created_by/created_at. Errors as create, "not_found".
  Status update(const Prompt& prompt);
  Status remove(Id id);  // "not_found"

 private:
  Database& db_;
};

}  // namespace hotline::store
