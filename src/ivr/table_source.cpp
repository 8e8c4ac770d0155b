#include "ivr/table_source.hpp"

#include <boost/asio/post.hpp>
#include <cctype>
#include <chrono>

#include "store/self_service_repository.hpp"

namespace hotline::ivr {

Result<TableSourceConfig> parse_table_source_config(const nlohmann::json& json,
                                                    store::Id data_source_id) {
  TableSourceConfig config;
  config.data_source_id = data_source_id;
  if (json.is_null()) return config;
  if (!json.is_object()) return Error{"invalid", "a table source's config must be an object"};
  if (const auto key = json.find("key_param"); key != json.end()) {
    if (!key->is_string() || key->get<std::string>().empty())
      return Error{"invalid", "key_param must be a non-empty string"};
    config.key_param = key->get<std::string>();
  }
  return config;
}

std::string table_lookup_key(const SecretBox& secrets, std::string_view id_number) {
  std::string normalized(id_number);
  for (auto& c : normalized) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return secrets.lookup_hash(normalized);
}

TableSource::TableSource(TableSourceConfig config, store::Database& db, const SecretBox& secrets,
                         boost::asio::thread_pool& workers)
    : config_(std::move(config)), db_(db), secrets_(secrets), workers_(workers) {}

void TableSource::query(const std::map<std::string, std::string>& params,
                        std::function<void(QueryResult)> done) {
  const auto key = params.find(config_.key_param);
  std::string lookup_key = key == params.end() || key->second.empty()
                               ? std::string()
                               : table_lookup_key(secrets_, key->second);
  boost::asio::post(
      workers_, [this, lookup_key = std::move(lookup_key), done = std::move(done)]() mutable {
        const auto started = std::chrono::steady_clock::now();
        QueryResult result;
        if (lookup_key.empty()) {
          result.error_code = "bad_request";
          result.error_detail = "the query has no " + config_.key_param + " parameter";
        } else if (auto row =
                       store::SelfServiceRepository(db_).lookup(config_.data_source_id, lookup_key);
                   !row) {
          result.error_code = "unavailable";
          result.error_detail = row.error().message;
        } else if (!*row) {
          result.outcome = QueryResult::Outcome::not_found;
        } else {
          auto fields = nlohmann::json::parse((*row)->fields, nullptr, false);
          if (fields.is_discarded() || !fields.is_object()) {
            result.error_code = "bad_response";
            result.error_detail = "the table row's fields are not a JSON object";
          } else {
            result.outcome = QueryResult::Outcome::found;
            result.fields = std::move(fields);
          }
        }
        result.elapsed_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::steady_clock::now() - started)
                                                 .count());
        done(std::move(result));
      });
}

}  // namespace hotline::ivr
