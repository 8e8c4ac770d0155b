#include "store/sip_credential_repository.hpp"

#include <soci/soci.h>

namespace hotline::store {

Status SipCredentialRepository::set(const SipCredential& c) {
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    long long user_id = c.user_id;
    long long updated_at = c.updated_at;
    sql << "DELETE FROM sip_credentials WHERE user_id = :u", soci::use(user_id);
    sql << "INSERT INTO sip_credentials (user_id, extension, realm, ha1_md5, ha1_sha256, "
           "updated_at) VALUES (:u, :e, :r, :m, :s, :t)",
        soci::use(user_id), soci::use(c.extension), soci::use(c.realm), soci::use(c.ha1_md5),
        soci::use(c.ha1_sha256), soci::use(updated_at);
    tx.commit();
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::optional<SipCredential>> SipCredentialRepository::find_active(
    const std::string& extension) {
  try {
    soci::session sql(db_.pool());
    SipCredential c;
    long long user_id = 0, updated_at = 0;
    sql << "SELECT c.user_id, c.extension, c.realm, c.ha1_md5, c.ha1_sha256, c.updated_at "
           "FROM sip_credentials c JOIN users u ON u.id = c.user_id "
           "WHERE c.extension = :e AND u.extension = c.extension AND u.status = 'active'",
        soci::use(extension), soci::into(user_id), soci::into(c.extension), soci::into(c.realm),
        soci::into(c.ha1_md5), soci::into(c.ha1_sha256), soci::into(updated_at);
    if (!sql.got_data()) return std::optional<SipCredential>{};
    c.user_id = user_id;
    c.updated_at = updated_at;
    return std::optional<SipCredential>{c};
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::vector<std::string>> SipCredentialRepository::extensions_with_password() {
  try {
    soci::session sql(db_.pool());
    std::vector<std::string> result;
    std::string extension;
    soci::statement st = (sql.prepare << "SELECT c.extension FROM sip_credentials c "
                                         "JOIN users u ON u.id = c.user_id "
                                         "WHERE u.extension = c.extension ORDER BY c.extension",
                          soci::into(extension));
    st.execute(false);
    while (st.fetch()) result.push_back(extension);
    return result;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
