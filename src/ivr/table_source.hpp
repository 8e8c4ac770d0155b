#pragma once
// The built-in self-service table as a data source: rows an admin imported by CSV, found by a
// keyed hash of the caller's ID number (store::SelfServiceRepository). Lookups run on a worker
// pool, never on the caller's thread.
#include <boost/asio/thread_pool.hpp>
#include <string>

#include "common/secret_box.hpp"
#include "ivr/data_source.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace hotline::ivr {

struct TableSourceConfig {
  store::Id data_source_id = 0;
  std::string key_param = "id_number";  // the query parameter that holds the lookup key
};

// {"key_param": "id_number"} (optional). Errors: "invalid".
Result<TableSourceConfig> parse_table_source_config(const nlohmann::json& json,
                                                    store::Id data_source_id);

// What a table row is found by: the ID number normalised (upper-case X) and hashed.
std::string table_lookup_key(const SecretBox& secrets, std::string_view id_number);

class TableSource : public DataSource {
 public:
  TableSource(TableSourceConfig config, store::Database& db, const SecretBox& secrets,
              boost::asio::thread_pool& workers);
  void query(const std::map<std::string, std::string>& params,
             std::function<void(QueryResult)> done) override;

 private:
  TableSourceConfig config_;
  store::Database& db_;
  const SecretBox& secrets_;
  boost::asio::thread_pool& workers_;
};

}  // namespace hotline::ivr
