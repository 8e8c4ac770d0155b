// Satisfaction survey results: the ratings callers gave agents and their tally per agent.
// satisfaction_rate = (satisfied + basically_satisfied) / rated, where rated leaves out
// not_rated (no key pressed, or the caller hung up); null when nothing was rated.
#include <limits>

#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/json_views.hpp"
#include "api/json_views_ivr.hpp"
#include "api/routes_ivr_support.hpp"
#include "api/validation.hpp"
#include "store/survey_repository.hpp"

namespace hotline::api {

namespace {

using nlohmann::json;

store::SurveyFilter filter_from(const Request& request) {
  store::SurveyFilter filter;
  filter.from = time_query(request, "from");
  filter.to = time_query(request, "to");
  if (auto agent = request.query_param("agent"); agent && !agent->empty()) {
    if (!matches_charset(*agent, "0123456789", 1, 16))
      fail_validation("agent must be an extension");
    filter.agent_extension = *agent;
  }
  if (auto user = request.query_int("agent_user_id")) {
    if (*user < 1) fail_validation("agent_user_id must be a positive integer");
    filter.agent_user_id = *user;
  }
  return filter;
}

json counts(std::int64_t satisfied, std::int64_t basically, std::int64_t dissatisfied,
            std::int64_t not_rated) {
  const auto rated = satisfied + basically + dissatisfied;
  return {{"satisfied", satisfied},
          {"basically_satisfied", basically},
          {"dissatisfied", dissatisfied},
          {"not_rated", not_rated},
          {"rated", rated},
          {"total", rated + not_rated},
          {"satisfaction_rate",
           rated > 0 ? json(static_cast<double>(satisfied + basically) / static_cast<double>(rated))
                     : json(nullptr)}};
}

Response list_ratings(ApiContext& ctx, Request& request) {
  const auto filter = filter_from(request);
  const auto page = page_query(request);
  const auto result = value_or_throw(store::SurveyRepository(ctx.db).query(filter, page));
  json items = json::array();
  for (const auto& rating : result.items) items.push_back(to_json_view(rating));
  return Response::json({{"items", items},
                         {"total", result.total},
                         {"page", page.page},
                         {"page_size", page.page_size}});
}

Response summary(ApiContext& ctx, Request& request) {
  const auto filter = filter_from(request);
  const auto tallies = value_or_throw(store::SurveyRepository(ctx.db).tally(filter));
  json agents = json::array();
  std::int64_t satisfied = 0, basically = 0, dissatisfied = 0, not_rated = 0;
  for (const auto& tally : tallies) {
    auto row =
        counts(tally.satisfied, tally.basically_satisfied, tally.dissatisfied, tally.not_rated);
    row["agent_user_id"] = or_null(tally.agent_user_id);
    row["agent_extension"] = tally.agent_extension;
    row["agent_name"] = nullptr;
    if (tally.agent_user_id)
      if (auto user = ctx.users.find(*tally.agent_user_id); user && *user)
        row["agent_name"] = (*user)->display_name;
    agents.push_back(std::move(row));
    satisfied += tally.satisfied;
    basically += tally.basically_satisfied;
    dissatisfied += tally.dissatisfied;
    not_rated += tally.not_rated;
  }
  return Response::json({{"from", filter.from ? json(format_iso8601(*filter.from)) : json(nullptr)},
                         {"to", filter.to ? json(format_iso8601(*filter.to)) : json(nullptr)},
                         {"agents", agents},
                         {"totals", counts(satisfied, basically, dissatisfied, not_rated)}});
}

json tally_schema() {
  return {{"type", "object"},
          {"properties",
           {{"agent_user_id", {{"type", {"integer", "null"}}}},
            {"agent_extension", {{"type", "string"}}},
            {"agent_name", {{"type", {"string", "null"}}}},
            {"satisfied", {{"type", "integer"}}},
            {"basically_satisfied", {{"type", "integer"}}},
            {"dissatisfied", {{"type", "integer"}}},
            {"not_rated", {{"type", "integer"}}},
            {"rated", {{"type", "integer"}}},
            {"total", {{"type", "integer"}}},
            {"satisfaction_rate",
             {{"type", {"number", "null"}},
              {"description", "(satisfied + basically_satisfied) / rated"}}}}}};
}

}  // namespace

void register_survey_routes(Router& router, ApiContext& ctx) {
  const auto read = Access::permission_required("survey.read");
  const json page = {{"type", "object"},
                     {"properties",
                      {{"items", {{"type", "array"}, {"items", survey_rating_schema()}}},
                       {"total", {{"type", "integer"}}},
                       {"page", {{"type", "integer"}}},
                       {"page_size", {{"type", "integer"}}}}}};
  const json summary_schema = {{"type", "object"},
                               {"properties",
                                {{"from", {{"type", {"string", "null"}}}},
                                 {"to", {{"type", {"string", "null"}}}},
                                 {"agents", {{"type", "array"}, {"items", tally_schema()}}},
                                 {"totals", tally_schema()}}}};
  router.add({http::verb::get,
              "/api/v1/survey/ratings",
              read,
              "survey",
              "Satisfaction ratings, newest first",
              nullptr,
              page,
              200,
              {{"from", "string", "ISO 8601, rated at or after"},
               {"to", "string", "ISO 8601, rated before"},
               {"agent", "string", "the agent's extension"},
               {"agent_user_id", "integer", "the agent's user id"},
               {"page", "integer", "1-based"},
               {"page_size", "integer", "at most 100"}}},
             [&ctx](Request& r) { return list_ratings(ctx, r); });
  router.add({http::verb::get,
              "/api/v1/survey/summary",
              read,
              "survey",
              "Ratings per agent with the satisfaction rate",
              nullptr,
              summary_schema,
              200,
              {{"from", "string", "ISO 8601, rated at or after"},
               {"to", "string", "ISO 8601, rated before"},
               {"agent", "string", "the agent's extension"},
               {"agent_user_id", "integer", "the agent's user id"}}},
             [&ctx](Request& r) { return summary(ctx, r); });
}

}  // namespace hotline::api
