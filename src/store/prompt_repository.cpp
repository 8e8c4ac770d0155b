#include "store/prompt_repository.hpp"

#include <soci/soci.h>

#include "store/one_row_update.hpp"
#include "store/query_params.hpp"
#include "store/soci_optional.hpp"

namespace hotline::store {

namespace {

const char* kPromptSelect =
    "SELECT id, name, kind, text, file, duration_ms, sha256, created_by, created_at, updated_at "
    "FROM prompts";

std::optional<Error> check_prompt(const Prompt& prompt) {
  if (prompt.name.empty()) return Error{"invalid", "a prompt needs a name"};
  if (prompt.kind == "audio") {
    if (prompt.file.empty()) return Error{"invalid", "an audio prompt needs a file"};
  } else if (prompt.kind == "tts") {
    if (prompt.text.empty()) return Error{"invalid", "a text-to-speech prompt needs text"};
  } else {
    return Error{"invalid", "prompt kind must be audio or tts"};
  }
  return std::nullopt;
}

std::vector<Prompt> select_prompts(soci::session& sql, const std::string& tail,
                                   QueryParams& params) {
  std::vector<Prompt> prompts;
  Prompt p;
  long long id = 0, duration_ms = 0, created_by = 0, created_at = 0, updated_at = 0;
  soci::indicator by_ind = soci::i_null;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(p.name));
  st.exchange(soci::into(p.kind));
  st.exchange(soci::into(p.text));
  st.exchange(soci::into(p.file));
  st.exchange(soci::into(duration_ms));
  st.exchange(soci::into(p.sha256));
  st.exchange(soci::into(created_by, by_ind));
  st.exchange(soci::into(created_at));
  st.exchange(soci::into(updated_at));
  params.bind(st);
  st.alloc();
  st.prepare(kPromptSelect + tail);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    p.id = id;
    p.duration_ms = duration_ms;
    p.created_by = optional_column<Id>(created_by, by_ind);
    p.created_at = created_at;
    p.updated_at = updated_at;
    prompts.push_back(p);
  }
  return prompts;
}

Result<std::optional<Prompt>> first_prompt(soci::session& sql, const std::string& tail,
                                           QueryParams& params) {
  auto prompts = select_prompts(sql, tail, params);
  if (prompts.empty()) return std::optional<Prompt>{};
  return std::optional<Prompt>{std::move(prompts.front())};
}

}  // namespace

Result<std::vector<Prompt>> PromptRepository::list() {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return select_prompts(sql, " ORDER BY name", params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<Prompt>> PromptRepository::find(Id id) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return first_prompt(sql, " WHERE id = " + params.add(static_cast<long long>(id)), params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<Prompt>> PromptRepository::find_by_name(const std::string& name) {
  try {
    soci::session sql(db_.pool());
    QueryParams params;
    return first_prompt(sql, " WHERE name = " + params.add(name), params);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<Id> PromptRepository::create(const Prompt& prompt) {
  if (auto problem = check_prompt(prompt)) return *problem;
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = 0, duration_ms = prompt.duration_ms;
    OptionalParam<long long> by(prompt.created_by);
    sql << "INSERT INTO prompts (name, kind, text, file, duration_ms, sha256, created_by, "
           "created_at, updated_at) VALUES (:n, :k, :x, :f, :d, :h, :b, :t, :t2) RETURNING id",
        soci::use(prompt.name), soci::use(prompt.kind), soci::use(prompt.text),
        soci::use(prompt.file), soci::use(duration_ms), soci::use(prompt.sha256),
        soci::use(by.value, by.ind), soci::use(now), soci::use(now), soci::into(id);
    return static_cast<Id>(id);
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status PromptRepository::update(const Prompt& prompt) {
  if (auto problem = check_prompt(prompt)) return *problem;
  try {
    soci::session sql(db_.pool());
    const long long now = now_ms();
    long long id = prompt.id, duration_ms = prompt.duration_ms;
    soci::statement st =
        (sql.prepare << "UPDATE prompts SET name = :n, kind = :k, text = :x, file = :f, "
                        "duration_ms = :d, sha256 = :h, updated_at = :t WHERE id = :id",
         soci::use(prompt.name), soci::use(prompt.kind), soci::use(prompt.text),
         soci::use(prompt.file), soci::use(duration_ms), soci::use(prompt.sha256), soci::use(now),
         soci::use(id));
    return execute_on_one_row(st, "no such prompt");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status PromptRepository::remove(Id id) {
  try {
    soci::session sql(db_.pool());
    long long wanted = id;
    soci::statement st = (sql.prepare << "DELETE FROM prompts WHERE id = :id", soci::use(wanted));
    return execute_on_one_row(st, "no such prompt");
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
