#pragma once
// Carrier trunks. Registration passwords are stored encrypted with the data dir's secret key
// (common/secret_box.hpp) and come back decrypted; the API never returns them.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/secret_box.hpp"
#include "store/database.hpp"
#include "store/telephony_models.hpp"

namespace hotline::store {

class TrunkRepository {
 public:
  TrunkRepository(Database& db, const SecretBox& secrets) : db_(db), secrets_(secrets) {}

  Result<std::vector<Trunk>> list();
  Result<std::optional<Trunk>> find(Id id);
  // Errors: "conflict" for a duplicate name; "invalid" for a bad kind.
  Result<Id> create(const Trunk& trunk);
  // Replaces every field; an empty `password` keeps the stored one.
  Status update(const Trunk& trunk);
  // Error "conflict" while outbound rules still use it.
  Status remove(Id id);

 private:
  Database& db_;
  const SecretBox& secrets_;
};

}  // namespace hotline::store
