#include "common/random.hpp"

#include <gtest/gtest.h>

#include <set>

namespace hotline {
namespace {

TEST(Random, TokensAreUrlSafeAndDistinct) {
  ASSERT_TRUE(init_crypto());
  std::set<std::string> tokens;
  for (int i = 0; i < 100; ++i) {
    const auto token = random_token(32);
    EXPECT_EQ(token.size(), 43u);
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    tokens.insert(token);
  }
  EXPECT_EQ(tokens.size(), 100u);
}

TEST(Random, DigestIsStableHex) {
  ASSERT_TRUE(init_crypto());
  EXPECT_EQ(digest_hex("abc"), digest_hex("abc"));
  EXPECT_NE(digest_hex("abc"), digest_hex("abd"));
  EXPECT_EQ(digest_hex("abc").size(), 64u);
}

}  // namespace
}  // namespace hotline
