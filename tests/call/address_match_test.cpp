#include "call/address_match.hpp"

#include <gtest/gtest.h>

namespace hotline::call {
namespace {

TEST(AddressMatch, ExactAddresses) {
  EXPECT_TRUE(address_matches("127.0.0.2", "127.0.0.2"));
  EXPECT_FALSE(address_matches("127.0.0.3", "127.0.0.2"));
  EXPECT_TRUE(address_matches("2001:db8::1", "2001:db8::1"));
  EXPECT_FALSE(address_matches("127.0.0.2", "::ffff:127.0.0.2"));  // families differ
}

TEST(AddressMatch, CidrBlocks) {
  EXPECT_TRUE(address_matches("10.1.2.77", "10.1.2.0/24"));
  EXPECT_FALSE(address_matches("10.1.3.1", "10.1.2.0/24"));
  EXPECT_TRUE(address_matches("10.1.2.77", "10.1.2.64/27"));
  EXPECT_FALSE(address_matches("10.1.2.100", "10.1.2.64/27"));
  EXPECT_TRUE(address_matches("192.0.2.9", "0.0.0.0/0"));
  EXPECT_TRUE(address_matches("2001:db8:aa::5", "2001:db8::/32"));
  EXPECT_FALSE(address_matches("2001:db9::5", "2001:db8::/32"));
}

TEST(AddressMatch, GarbageNeverMatches) {
  EXPECT_FALSE(address_matches("not-an-ip", "10.0.0.0/8"));
  EXPECT_FALSE(address_matches("10.0.0.1", "10.0.0.0/33"));
  EXPECT_FALSE(address_matches("10.0.0.1", "10.0.0.0/x"));
  EXPECT_FALSE(address_matches("10.0.0.1", ""));
}

}  // namespace
}  // namespace hotline::call
