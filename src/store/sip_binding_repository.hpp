#pragma once
// Registrar bindings (extension -> contact), kept in the database so that a restart keeps
// registered phones reachable.
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/database.hpp"
#include "store/models.hpp"

namespace hotline::store {

struct SipBinding {
  Id id = 0;
  std::string extension;
  std::string contact_uri;  // as the phone sent it
  std::string source;       // observed "HOST:PORT" the REGISTER came from
  std::string transport;    // "udp" | "tcp" | "tls"
  bool behind_nat = false;  // contact differs from the observed source: reach it at `source`
  std::string call_id;
  std::int64_t cseq = 0;
  std::string user_agent;
  EpochMs expires_at = 0;
  EpochMs registered_at = 0;
  EpochMs updated_at = 0;
};

class SipBindingRepository {
 public:
  explicit SipBindingRepository(Database& db) : db_(db) {}

  // Inserts or refreshes the binding of (extension, contact_uri); keeps registered_at.
  Status upsert(const SipBinding& binding);
  Status remove(const std::string& extension, const std::string& contact_uri);
  Status remove_all(const std::string& extension);
  // Unexpired bindings of one extension, or of all when `extension` is empty.
  Result<std::vector<SipBinding>> active(const std::string& extension, EpochMs now);
  // Deletes expired bindings; returns how many.
  Result<int> purge_expired(EpochMs now);

 private:
  Database& db_;
};

}  // namespace hotline::store
