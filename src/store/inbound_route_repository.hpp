#pragma once
// Public numbers (DIDs) and where their calls go.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/telephony_models.hpp"

namespace hotline::store {

class InboundRouteRepository {
 public:
  explicit InboundRouteRepository(Database& db) : db_(db) {}

  Result<std::vector<InboundRoute>> list();  // ordered by number
  Result<std::optional<InboundRoute>> find(Id id);
  Result<Id> create(const InboundRoute& route);  // "conflict" for a duplicate number
  Status update(const InboundRoute& route);
  Status remove(Id id);

 private:
  Database& db_;
};

}  // namespace hotline::store
