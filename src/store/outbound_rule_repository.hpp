#pragma once
// Outbound dial rules: the only way a call can leave through a trunk.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/telephony_models.hpp"

namespace hotline::store {

class OutboundRuleRepository {
 public:
  explicit OutboundRuleRepository(Database& db) : db_(db) {}

  Result<std::vector<OutboundRule>> list();  // by priority, then id; trunk_name joined
  Result<std::optional<OutboundRule>> find(Id id);
  Result<Id> create(const OutboundRule& rule);  // "invalid" when the trunk does not exist
  Status update(const OutboundRule& rule);
  Status remove(Id id);

 private:
  Database& db_;
};

}  // namespace hotline::store
