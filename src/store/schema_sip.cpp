// Migration 2: SIP accounts (digest HA1 per extension) and registrar bindings.
#include "store/schema_sip.hpp"

namespace hotline::store {

Migration sip_migration() {
  return {2,
          "sip credentials and registrar bindings",
          {
              // The password itself is never stored: only H(extension:realm:password) for each
              // digest algorithm, which is what digest verification needs.
              "CREATE TABLE sip_credentials ("
              " user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
              " extension TEXT NOT NULL,"
              " realm TEXT NOT NULL,"
              " ha1_md5 TEXT NOT NULL,"
              " ha1_sha256 TEXT NOT NULL,"
              " updated_at BIGINT NOT NULL)",
              "CREATE INDEX sip_credentials_extension ON sip_credentials(extension)",
              "CREATE TABLE sip_bindings ("
              " id {ID},"
              " extension TEXT NOT NULL,"
              " contact_uri TEXT NOT NULL,"
              " source TEXT NOT NULL,"
              " transport TEXT NOT NULL,"
              " behind_nat INTEGER NOT NULL DEFAULT 0,"
              " call_id TEXT NOT NULL,"
              " cseq BIGINT NOT NULL,"
              " user_agent TEXT NOT NULL DEFAULT '',"
              " expires_at BIGINT NOT NULL,"
              " registered_at BIGINT NOT NULL,"
              " updated_at BIGINT NOT NULL,"
              " UNIQUE (extension, contact_uri))",
              "CREATE INDEX sip_bindings_expires ON sip_bindings(expires_at)",
          },
          {},
          {}};
}

}  // namespace hotline::store
