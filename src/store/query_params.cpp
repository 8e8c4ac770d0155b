#include "store/query_params.hpp"

namespace hotline::store {

std::string QueryParams::add(std::string value) {
  values_.emplace_back(std::move(value));
  names_.push_back("p" + std::to_string(values_.size()));
  return ":" + names_.back();
}

std::string QueryParams::add(long long value) {
  values_.emplace_back(value);
  names_.push_back("p" + std::to_string(values_.size()));
  return ":" + names_.back();
}

void QueryParams::bind(soci::statement& statement) {
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (auto* text = std::get_if<std::string>(&values_[i]))
      statement.exchange(soci::use(*text, names_[i]));
    else
      statement.exchange(soci::use(std::get<long long>(values_[i]), names_[i]));
  }
}

long long QueryParams::count(soci::session& sql, const std::string& count_query) {
  long long total = 0;
  soci::statement statement(sql);
  statement.exchange(soci::into(total));
  bind(statement);
  statement.alloc();
  statement.prepare(count_query);
  statement.define_and_bind();
  statement.execute(true);
  return total;
}

QueryParams QueryParams::paged(int page, int page_size, std::string& limit_offset_sql) const {
  QueryParams copy = *this;
  const auto limit = copy.add(static_cast<long long>(page_size));
  const auto offset = copy.add(static_cast<long long>(page - 1) * page_size);
  limit_offset_sql = " LIMIT " + limit + " OFFSET " + offset;
  return copy;
}

std::string like_contains(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

}  // namespace hotline::store
