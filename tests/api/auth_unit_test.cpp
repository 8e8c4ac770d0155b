#include <gtest/gtest.h>

#include "api/login_throttle.hpp"
#include "api/password_hasher.hpp"
#include "api/password_policy.hpp"
#include "common/random.hpp"

namespace hotline::api {
namespace {

TEST(PasswordPolicy, AcceptsStrongPasswords) {
  EXPECT_FALSE(check_password_policy("Hotline@2026", "admin", 8));
  EXPECT_FALSE(check_password_policy("correct horse 9 battery", "admin", 8));
  EXPECT_FALSE(check_password_policy("社保热线Ab12", "agent1", 8));
}

TEST(PasswordPolicy, SaysWhatIsWrong) {
  EXPECT_NE(check_password_policy("Ab1!", "x", 8)->find("at least 8"), std::string::npos);
  EXPECT_NE(check_password_policy("alllowercase", "x", 8)->find("three of"), std::string::npos);
  EXPECT_NE(check_password_policy("Agent1Agent1!", "agent1", 8)->find("username"),
            std::string::npos);
  EXPECT_NE(check_password_policy("Abc12345\x01", "x", 8)->find("control"), std::string::npos);
  EXPECT_TRUE(check_password_policy(std::string(300, 'a') + "A1", "x", 8).has_value());
}

TEST(PasswordHasher, Argon2idRoundTrip) {
  ASSERT_TRUE(init_crypto());
  auto hash = hash_password("Hotline@2026");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(verify_password(*hash, "Hotline@2026"));
  EXPECT_FALSE(verify_password(*hash, "hotline@2026"));
  EXPECT_FALSE(verify_password("not a hash", "Hotline@2026"));
  EXPECT_NE(*hash, *hash_password("Hotline@2026")) << "salts must differ";
}

TEST(LoginThrottle, BlocksAnAddressAfterTooManyFailuresThenForgives) {
  LoginThrottle throttle(3, 10, 5);
  const EpochMs t0 = 1'000'000;
  EXPECT_EQ(throttle.blocked_for("10.0.0.1", t0), 0);
  EXPECT_FALSE(throttle.record_failure("10.0.0.1", t0));
  EXPECT_FALSE(throttle.record_failure("10.0.0.1", t0 + 1));
  EXPECT_TRUE(throttle.record_failure("10.0.0.1", t0 + 2));
  EXPECT_EQ(throttle.blocked_for("10.0.0.1", t0 + 2), 5 * 60'000);
  EXPECT_EQ(throttle.blocked_for("10.0.0.2", t0 + 2), 0) << "other addresses are not affected";
  EXPECT_EQ(throttle.blocked_for("10.0.0.1", t0 + 2 + 5 * 60'000), 0);
}

TEST(LoginThrottle, OldFailuresFallOutOfTheWindow) {
  LoginThrottle throttle(3, 1, 5);
  EXPECT_FALSE(throttle.record_failure("a", 0));
  EXPECT_FALSE(throttle.record_failure("a", 1));
  EXPECT_FALSE(throttle.record_failure("a", 60'001));  // the first two are older than a minute
  EXPECT_EQ(throttle.blocked_for("a", 60'002), 0);
}

}  // namespace
}  // namespace hotline::api
