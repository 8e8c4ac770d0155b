#include "store/sip_binding_repository.hpp"

#include <soci/soci.h>

namespace hotline::store {

Status SipBindingRepository::upsert(const SipBinding& b) {
  try {
    soci::session sql(db_.pool());
    soci::transaction tx(sql);
    long long cseq = b.cseq, expires_at = b.expires_at, registered_at = b.registered_at,
              updated_at = b.updated_at;
    int behind_nat = b.behind_nat ? 1 : 0;
    long long existing = 0;
    sql << "SELECT id FROM sip_bindings WHERE extension = :e AND contact_uri = :c",
        soci::use(b.extension), soci::use(b.contact_uri), soci::into(existing);
    if (sql.got_data()) {
      sql << "UPDATE sip_bindings SET source = :s, transport = :t, behind_nat = :n, "
             "call_id = :i, cseq = :q, user_agent = :a, expires_at = :x, updated_at = :u "
             "WHERE id = :id",
          soci::use(b.source), soci::use(b.transport), soci::use(behind_nat), soci::use(b.call_id),
          soci::use(cseq), soci::use(b.user_agent), soci::use(expires_at), soci::use(updated_at),
          soci::use(existing);
    } else {
      sql << "INSERT INTO sip_bindings (extension, contact_uri, source, transport, behind_nat, "
             "call_id, cseq, user_agent, expires_at, registered_at, updated_at) "
             "VALUES (:e, :c, :s, :t, :n, :i, :q, :a, :x, :r, :u)",
          soci::use(b.extension), soci::use(b.contact_uri), soci::use(b.source),
          soci::use(b.transport), soci::use(behind_nat), soci::use(b.call_id), soci::use(cseq),
          soci::use(b.user_agent), soci::use(expires_at), soci::use(registered_at),
          soci::use(updated_at);
    }
    tx.commit();
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status SipBindingRepository::remove(const std::string& extension, const std::string& contact_uri) {
  try {
    soci::session sql(db_.pool());
    sql << "DELETE FROM sip_bindings WHERE extension = :e AND contact_uri = :c",
        soci::use(extension), soci::use(contact_uri);
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Status SipBindingRepository::remove_all(const std::string& extension) {
  try {
    soci::session sql(db_.pool());
    sql << "DELETE FROM sip_bindings WHERE extension = :e", soci::use(extension);
    return ok_status();
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<std::vector<SipBinding>> SipBindingRepository::active(const std::string& extension,
                                                             EpochMs now) {
  try {
    soci::session sql(db_.pool());
    std::vector<SipBinding> result;
    SipBinding b;
    long long id = 0, cseq = 0, expires_at = 0, registered_at = 0, updated_at = 0;
    int behind_nat = 0;
    long long at = now;
    const std::string all = extension.empty() ? "1" : "0";
    soci::statement st =
        (sql.prepare << "SELECT id, extension, contact_uri, source, transport, behind_nat, "
                        "call_id, cseq, user_agent, expires_at, registered_at, updated_at "
                        "FROM sip_bindings WHERE expires_at > :now AND (:all = '1' OR "
                        "extension = :e) ORDER BY extension, registered_at, id",
         soci::use(at), soci::use(all), soci::use(extension), soci::into(id),
         soci::into(b.extension), soci::into(b.contact_uri), soci::into(b.source),
         soci::into(b.transport), soci::into(behind_nat), soci::into(b.call_id), soci::into(cseq),
         soci::into(b.user_agent), soci::into(expires_at), soci::into(registered_at),
         soci::into(updated_at));
    st.execute(false);
    while (st.fetch()) {
      b.id = id;
      b.cseq = cseq;
      b.behind_nat = behind_nat != 0;
      b.expires_at = expires_at;
      b.registered_at = registered_at;
      b.updated_at = updated_at;
      result.push_back(b);
    }
    return result;
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

Result<int> SipBindingRepository::purge_expired(EpochMs now) {
  try {
    soci::session sql(db_.pool());
    long long at = now;
    soci::statement st =
        (sql.prepare << "DELETE FROM sip_bindings WHERE expires_at <= :now", soci::use(at));
    st.execute(true);
    return static_cast<int>(st.get_affected_rows());
  } catch (const std::exception& e) {
    return database_error(e);
  }
}

}  // namespace hotline::store
