#include "store/survey_repository.hpp"

#include <soci/soci.h>

#include "store/query_params.hpp"
#include "store/soci_optional.hpp"

namespace hotline::store {

namespace {

const char* kRatingSelect =
    "SELECT id, call_id, agent_user_id, agent_extension, rating, created_at FROM survey_ratings";

std::optional<Error> check_rating(const std::string& rating) {
  if (rating != "satisfied" && rating != "basically_satisfied" && rating != "dissatisfied" &&
      rating != "not_rated")
    return Error{"invalid",
                 "rating must be satisfied, basically_satisfied, dissatisfied or not_rated"};
  return std::nullopt;
}

std::string where_of(const SurveyFilter& filter, QueryParams& params) {
  std::string where = " WHERE 1 = 1";
  if (filter.from)
    where += " AND created_at >= " + params.add(static_cast<long long>(*filter.from));
  if (filter.to) where += " AND created_at < " + params.add(static_cast<long long>(*filter.to));
  if (filter.agent_user_id)
    where += " AND agent_user_id = " + params.add(static_cast<long long>(*filter.agent_user_id));
  if (filter.agent_extension)
    where += " AND agent_extension = " + params.add(*filter.agent_extension);
  return where;
}

std::vector<SurveyRating> select_ratings(soci::session& sql, const std::string& tail,
                                         QueryParams& params) {
  std::vector<SurveyRating> ratings;
  SurveyRating r;
  long long id = 0, call_id = 0, agent_user_id = 0, created_at = 0;
  soci::indicator agent_ind = soci::i_null;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(call_id));
  st.exchange(soci::into(agent_user_id, agent_ind));
  st.exchange(soci::into(r.agent_extension));
  st.exchange(soci::into(r.rating));
  st.exchange(soci::into(created_at));
  params.bind(st);
  st.alloc();
  st.prepare(kRatingSelect + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    r.id = id;
    r.call_id = call_id;
    r.agent_user_id = optional_column<Id>(agent_user_id, agent_ind);
    r.created_at = created_at;
    ratings.push_back(r);
  }
  return ratings;
}

}  // namespace

Result<Id> SurveyRepository::record(const SurveyRating& rating) {
  if (auto problem = check_rating(rating.rating)) return *problem;
  try {
    soci::session sql(db_.pool());
    long long call_id = rating.call_id,
              created_at = rating.created_at != 0 ? rating.created_at : now_ms(), id = 0;
    OptionalParam<long long> agent(rating.agent_user_id);
    sql << "INSERT INTO survey_ratings (call_id, agent_user_id, agent_extension, rating, "
           "created_at) VALUES (:c, :u, :e, :r, :t) RETURNING id",
        soci::use(call_id), soci::use(agent.value, agent.ind), soci::use(rating.agent_extension),
        soci::use(rating.rating), soci::use(created_at), soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<SurveyRating>> SurveyRepository::find_by_call(Id call_id) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    auto found = select_ratings(
        sql, " WHERE call_id = " + params.add(static_cast<long long>(call_id)), params);
    if (found.empty()) return std::optional<SurveyRating>{};
    return std::optional<SurveyRating>{std::move(found.front())};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<PageOf<SurveyRating>> SurveyRepository::query(const SurveyFilter& filter, const Page& page) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    const std::string where = where_of(filter, params);
    PageOf<SurveyRating> out;
    out.total = params.count(sql, "SELECT COUNT(*) FROM survey_ratings" + where);
    std::string limit_offset;
    QueryParams page_params = params.paged(page.page, page.page_size, limit_offset);
    out.items = select_ratings(sql, where + " ORDER BY created_at DESC, id DESC" + limit_offset,
                               page_params);
    return out;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::vector<AgentSurveyTally>> SurveyRepository::tally(const SurveyFilter& filter) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    const std::string where = where_of(filter, params);
    std::vector<AgentSurveyTally> tallies;
    AgentSurveyTally t;
    long long agent_user_id = 0, satisfied = 0, basically = 0, dissatisfied = 0, not_rated = 0;
    soci::indicator agent_ind = soci::i_null;
    soci::statement st(sql);
    st.exchange(soci::into(agent_user_id, agent_ind));
    st.exchange(soci::into(t.agent_extension));
    st.exchange(soci::into(satisfied));
    st.exchange(soci::into(basically));
    st.exchange(soci::into(dissatisfied));
    st.exchange(soci::into(not_rated));
    params.bind(st);
    st.alloc();
    // COALESCE in ORDER BY: the databases sort NULLs at opposite ends.
    st.prepare(
        "SELECT agent_user_id, agent_extension,"
        " SUM(CASE WHEN rating = 'satisfied' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN rating = 'basically_satisfied' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN rating = 'dissatisfied' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN rating = 'not_rated' THEN 1 ELSE 0 END)"
        " FROM survey_ratings" +
        where +
        " GROUP BY agent_user_id, agent_extension"
        " ORDER BY agent_extension, COALESCE(agent_user_id, 0)");
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      t.agent_user_id = optional_column<Id>(agent_user_id, agent_ind);
      t.satisfied = satisfied;
      t.basically_satisfied = basically;
      t.dissatisfied = dissatisfied;
      t.not_rated = not_rated;
      tallies.push_back(t);
    }
    return tallies;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
