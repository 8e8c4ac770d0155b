// SIP repositories and the registrar on a real database, SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "common/random.hpp"
#include "sip/digest.hpp"
#include "sip/digest_credentials.hpp"
#include "sip/registrar.hpp"
#include "store/sip_binding_repository.hpp"
#include "store/sip_credential_repository.hpp"
#include "store/user_repository.hpp"
#include "store_test_fixture.hpp"

namespace hotline::store {
namespace {

class SipStoreTest : public StoreTest {
 protected:
  User add_user(const std::string& username, const std::string& extension) {
    NewUser user;
    user.username = username;
    user.display_name = username;
    user.password_hash = "hash";
    user.roles = {"agent"};
    user.extension = extension;
    auto created = UserRepository(*db_).create(user);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? *created : User{};
  }
  void set_password(const User& user, const std::string& password) {
    SipCredential c;
    c.user_id = user.id;
    c.extension = *user.extension;
    c.realm = "hotline";
    c.ha1_md5 = sip::compute_ha1(sip::DigestAlgorithm::Md5, c.extension, "hotline", password);
    c.ha1_sha256 = sip::compute_ha1(sip::DigestAlgorithm::Sha256, c.extension, "hotline", password);
    c.updated_at = 1000;
    ASSERT_TRUE(SipCredentialRepository(*db_).set(c).ok());
  }
  static SipBinding binding(const std::string& extension, const std::string& contact,
                            EpochMs expires_at, EpochMs now) {
    SipBinding b;
    b.extension = extension;
    b.contact_uri = contact;
    b.source = "127.0.0.1:5062";
    b.transport = "udp";
    b.call_id = "call-1";
    b.cseq = 1;
    b.user_agent = "test";
    b.expires_at = expires_at;
    b.registered_at = now;
    b.updated_at = now;
    return b;
  }
};

TEST_P(SipStoreTest, CredentialsFollowTheActiveUsersExtension) {
  auto user = add_user("agent1", "1001");
  SipCredentialRepository credentials(*db_);
  EXPECT_FALSE(*credentials.find_active("1001"));
  set_password(user, "first-pass");
  set_password(user, "second-pass");  // replaces
  auto found = credentials.find_active("1001");
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->user_id, user.id);
  EXPECT_EQ((*found)->ha1_md5,
            sip::compute_ha1(sip::DigestAlgorithm::Md5, "1001", "hotline", "second-pass"));
  EXPECT_EQ((*found)->ha1_sha256.size(), 64u);
  EXPECT_EQ(*credentials.extensions_with_password(), std::vector<std::string>{"1001"});

  UserChanges changes;
  changes.extension = std::optional<std::string>("1009");
  ASSERT_TRUE(UserRepository(*db_).update(user.id, changes).ok());
  EXPECT_FALSE(*credentials.find_active("1001"));  // the HA1 was for the old extension
  EXPECT_FALSE(*credentials.find_active("1009"));
  EXPECT_TRUE(credentials.extensions_with_password()->empty());

  changes.extension = std::optional<std::string>("1001");
  changes.status = "disabled";
  ASSERT_TRUE(UserRepository(*db_).update(user.id, changes).ok());
  EXPECT_FALSE(*credentials.find_active("1001"));
}

TEST_P(SipStoreTest, BindingsUpsertExpireAndRemove) {
  SipBindingRepository bindings(*db_);
  ASSERT_TRUE(bindings.upsert(binding("1001", "sip:1001@10.0.0.1", 10000, 1000)).ok());
  ASSERT_TRUE(bindings.upsert(binding("1001", "sip:1001@10.0.0.2", 20000, 1000)).ok());
  ASSERT_TRUE(bindings.upsert(binding("1002", "sip:1002@10.0.0.3", 20000, 1000)).ok());
  auto refreshed = binding("1001", "sip:1001@10.0.0.1", 30000, 5000);
  refreshed.cseq = 7;
  refreshed.behind_nat = true;
  ASSERT_TRUE(bindings.upsert(refreshed).ok());

  auto of_1001 = bindings.active("1001", 6000);
  ASSERT_TRUE(of_1001.ok()) << of_1001.error().message;
  ASSERT_EQ(of_1001->size(), 2u);
  EXPECT_EQ((*of_1001)[0].contact_uri, "sip:1001@10.0.0.1");
  EXPECT_EQ((*of_1001)[0].registered_at, 1000);  // kept across refreshes
  EXPECT_EQ((*of_1001)[0].updated_at, 5000);
  EXPECT_EQ((*of_1001)[0].expires_at, 30000);
  EXPECT_EQ((*of_1001)[0].cseq, 7);
  EXPECT_TRUE((*of_1001)[0].behind_nat);
  EXPECT_EQ(bindings.active("", 6000)->size(), 3u);
  EXPECT_EQ(bindings.active("", 25000)->size(), 1u);  // only the refreshed one is left

  EXPECT_EQ(*bindings.purge_expired(25000), 2);
  EXPECT_EQ(bindings.active("", 0)->size(), 1u);
  ASSERT_TRUE(bindings.remove("1001", "sip:1001@10.0.0.1").ok());
  EXPECT_TRUE(bindings.active("", 0)->empty());
  ASSERT_TRUE(bindings.upsert(binding("1003", "sip:a", 90000, 0)).ok());
  ASSERT_TRUE(bindings.upsert(binding("1003", "sip:b", 90000, 0)).ok());
  ASSERT_TRUE(bindings.remove_all("1003").ok());
  EXPECT_TRUE(bindings.active("1003", 0)->empty());
}

// A phone: builds REGISTERs and answers the registrar's challenges.
class PhoneSimulator {
 public:
  explicit PhoneSimulator(std::string extension) : extension_(std::move(extension)) {}
  sip::IncomingRequest request(std::optional<int> expires = 300,
                               std::string contact = "sip:1001@127.0.0.1:5062") {
    sip::IncomingRequest r;
    r.id = ++id_;
    r.method = "REGISTER";
    r.request_uri = "sip:127.0.0.1";
    r.to_user = extension_;
    r.call_id = "call-1";
    r.cseq = static_cast<std::uint32_t>(id_);
    r.expires = expires;
    sip::ContactEntry c;
    c.uri = contact;
    c.host = "127.0.0.1";
    c.port = 5062;
    r.contacts.push_back(c);
    r.source = {"127.0.0.1", 5062, "udp"};
    return r;
  }
  // Authorization for `challenge` (a WWW-Authenticate value) with the given password.
  std::string authorize(const std::string& challenge, const std::string& password,
                        const std::string& nc, sip::DigestAlgorithm algorithm) {
    const auto start = challenge.find("nonce=\"") + 7;
    const auto nonce = challenge.substr(start, challenge.find('"', start) - start);
    const auto ha1 = sip::compute_ha1(algorithm, extension_, "hotline", password);
    const auto response = sip::compute_response(
        algorithm, ha1, {"REGISTER", "sip:127.0.0.1", nonce, nc, "c0ffee", "auth"});
    return "Digest username=\"" + extension_ + "\", realm=\"hotline\", nonce=\"" + nonce +
           "\", uri=\"sip:127.0.0.1\", response=\"" + response +
           "\", algorithm=" + std::string(sip::algorithm_name(algorithm)) +
           ", cnonce=\"c0ffee\", qop=auth, nc=" + nc;
  }

 private:
  std::string extension_;
  std::uint64_t id_ = 0;
};

TEST_P(SipStoreTest, RegistrarChallengesAuthenticatesBindsAndRefusesReplays) {
  ASSERT_TRUE(init_crypto());
  auto user = add_user("agent1", "1001");
  set_password(user, "Phone#1001");
  SipCredentialRepository credentials(*db_);
  SipBindingRepository bindings(*db_);
  sip::DigestAuthenticator authenticator(
      "hotline", 30000, [&](const std::string& ext) { return credentials.find_active(ext); });
  sip::Registrar registrar({60, 3600, 600}, authenticator, bindings);
  PhoneSimulator phone("1001");
  const EpochMs now = 1'000'000;

  auto first = registrar.handle(phone.request(), now);
  EXPECT_EQ(first.reply.status, 401);
  ASSERT_EQ(first.reply.headers.size(), 2u);
  EXPECT_NE(first.reply.headers[0].second.find("algorithm=MD5"), std::string::npos);
  EXPECT_NE(first.reply.headers[1].second.find("algorithm=SHA-256"), std::string::npos);
  const auto challenge = first.reply.headers[0].second;

  auto wrong = phone.request();
  wrong.authorizations = {
      phone.authorize(challenge, "bad-password", "00000001", sip::DigestAlgorithm::Md5)};
  auto refused = registrar.handle(wrong, now);
  EXPECT_EQ(refused.reply.status, 403);  // no new challenge: no instant retry loop
  EXPECT_EQ(refused.auth.status, sip::AuthStatus::Failed);

  auto good = phone.request();
  good.authorizations = {
      phone.authorize(challenge, "Phone#1001", "00000001", sip::DigestAlgorithm::Md5)};
  auto accepted = registrar.handle(good, now);
  EXPECT_EQ(accepted.reply.status, 200);
  EXPECT_TRUE(accepted.bindings_changed);
  ASSERT_EQ(accepted.reply.headers.size(), 1u);
  EXPECT_EQ(accepted.reply.headers[0].second, "<sip:1001@127.0.0.1:5062>;expires=300");
  EXPECT_EQ(bindings.active("1001", now)->size(), 1u);

  // The same nonce-count again is a replay.
  auto replay = registrar.handle(good, now);
  EXPECT_EQ(replay.reply.status, 403);
  EXPECT_EQ(replay.auth.status, sip::AuthStatus::Replayed);

  // SHA-256 with the next count, a second contact, capped expiry.
  auto sha = phone.request(86400, "sip:1001@127.0.0.1:5064");
  sha.authorizations = {
      phone.authorize(challenge, "Phone#1001", "00000002", sip::DigestAlgorithm::Sha256)};
  auto sha_ok = registrar.handle(sha, now);
  EXPECT_EQ(sha_ok.reply.status, 200);
  EXPECT_EQ(sha_ok.reply.headers.size(), 2u);
  EXPECT_EQ(bindings.active("1001", now)->back().expires_at, now + 3600 * 1000);

  // Too brief: 423 with Min-Expires, nothing changes.
  auto brief = phone.request(10, "sip:1001@127.0.0.1:5066");
  brief.authorizations = {
      phone.authorize(challenge, "Phone#1001", "00000003", sip::DigestAlgorithm::Md5)};
  auto too_brief = registrar.handle(brief, now);
  EXPECT_EQ(too_brief.reply.status, 423);
  EXPECT_EQ(too_brief.reply.headers.at(0).first, "Min-Expires");
  EXPECT_EQ(bindings.active("1001", now)->size(), 2u);

  // An expired nonce is stale (not a failure).
  auto late = phone.request();
  late.authorizations = {
      phone.authorize(challenge, "Phone#1001", "00000004", sip::DigestAlgorithm::Md5)};
  auto stale = registrar.handle(late, now + 31000);
  EXPECT_EQ(stale.reply.status, 401);
  EXPECT_EQ(stale.auth.status, sip::AuthStatus::Challenge);
  EXPECT_NE(stale.reply.headers[0].second.find("stale=true"), std::string::npos);

  // Expires: 0 removes one contact; "*" removes all.
  const auto fresh = registrar.handle(phone.request(), now).reply.headers[0].second;
  auto remove = phone.request(0);
  remove.authorizations = {
      phone.authorize(fresh, "Phone#1001", "00000001", sip::DigestAlgorithm::Md5)};
  EXPECT_EQ(registrar.handle(remove, now).reply.status, 200);
  EXPECT_EQ(bindings.active("1001", now)->size(), 1u);
  auto all = phone.request(0);
  all.contacts = {sip::ContactEntry{"*", "", 0, std::nullopt, true}};
  all.authorizations = {
      phone.authorize(fresh, "Phone#1001", "00000002", sip::DigestAlgorithm::Md5)};
  EXPECT_EQ(registrar.handle(all, now).reply.status, 200);
  EXPECT_TRUE(bindings.active("1001", now)->empty());

  // A late copy of an older request of the same registration (same Call-ID, lower CSeq).
  auto current = phone.request(300, "sip:1001@127.0.0.1:5070");
  current.cseq = 50;
  current.authorizations = {
      phone.authorize(fresh, "Phone#1001", "00000003", sip::DigestAlgorithm::Md5)};
  EXPECT_EQ(registrar.handle(current, now).reply.status, 200);
  auto late_copy = current;
  late_copy.cseq = 49;
  late_copy.authorizations = {
      phone.authorize(fresh, "Phone#1001", "00000004", sip::DigestAlgorithm::Md5)};
  EXPECT_EQ(registrar.handle(late_copy, now).reply.status, 500);

  // At most kMaxContactsPerExtension contacts.
  auto crowd = phone.request(300);
  crowd.contacts.clear();
  for (int i = 0; i < 10; ++i)
    crowd.contacts.push_back(sip::ContactEntry{"sip:1001@10.0.0." + std::to_string(i), "10.0.0.1",
                                               5060, std::nullopt, false});
  crowd.authorizations = {
      phone.authorize(fresh, "Phone#1001", "00000005", sip::DigestAlgorithm::Md5)};
  const auto crowded = registrar.handle(crowd, now);
  EXPECT_EQ(crowded.reply.status, 403);
  EXPECT_EQ(bindings.active("1001", now)->size(), 1u);  // nothing changed

  // Credentials of another extension, and requests for a non-extension.
  auto other_user = add_user("agent2", "1002");
  set_password(other_user, "Phone#1002");
  PhoneSimulator other("1002");
  auto impostor = phone.request();
  impostor.authorizations = {
      other.authorize(fresh, "Phone#1002", "00000006", sip::DigestAlgorithm::Md5)};
  EXPECT_EQ(registrar.handle(impostor, now).auth.status, sip::AuthStatus::Failed);
  auto named = phone.request();
  named.to_user = "alice";
  EXPECT_EQ(registrar.handle(named, now).reply.status, 404);
}

HOTLINE_INSTANTIATE_STORE_TEST(SipStoreTest);

}  // namespace
}  // namespace hotline::store
