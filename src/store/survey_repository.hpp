#pragma once
// Satisfaction ratings of agent-handled calls, one per call, and their counts per agent.
#include <optional>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/ivr_models.hpp"

namespace hotline::store {

class SurveyRepository {
 public:
  explicit SurveyRepository(Database& db) : db_(db) {}

  // Errors: "invalid" (bad rating), "conflict" (the call is already rated), "constraint" (no
  // such call or user).
  Result<Id> record(const SurveyRating& rating);
  Result<std::optional<SurveyRating>> find_by_call(Id call_id);
  Result<PageOf<SurveyRating>> query(const SurveyFilter& filter, const Page& page);  // newest first
  // Counts per rating for each agent (user id and extension as stored) matching the filter,
  // ordered by extension then user id.
  Result<std::vector<AgentSurveyTally>> tally(const SurveyFilter& filter);

 private:
  Database& db_;
};

}  // namespace hotline::store
