// Nonce expiry and replay, the rate limiter, the scanner filter, address blocking and the
// gate that applies them in the sofia thread.
#include <gtest/gtest.h>

#include "common/random.hpp"
#include "sip/address_blocker.hpp"
#include "sip/nonce_tracker.hpp"
#include "sip/rate_limiter.hpp"
#include "sip/scanner_filter.hpp"
#include "sip/security_gate.hpp"

namespace hotline::sip {
namespace {

class NonceTrackerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(init_crypto()); }
};

TEST_F(NonceTrackerTest, CountsMustIncreaseAndNoncesExpire) {
  NonceTracker nonces(30000);
  const auto nonce = nonces.issue(1000);
  EXPECT_EQ(nonces.check(nonce, "00000001", 2000), NonceCheck::Valid);
  nonces.accept(nonce, "00000001");
  EXPECT_EQ(nonces.check(nonce, "00000001", 2000), NonceCheck::Replayed);
  EXPECT_EQ(nonces.check(nonce, "00000002", 2000), NonceCheck::Valid);
  nonces.accept(nonce, "00000003");
  EXPECT_EQ(nonces.check(nonce, "00000002", 2000), NonceCheck::Replayed);
  EXPECT_EQ(nonces.check(nonce, "0000000a", 2000), NonceCheck::Valid);
  EXPECT_EQ(nonces.check(nonce, "", 2000), NonceCheck::Replayed);
  EXPECT_EQ(nonces.check(nonce, "xyz", 2000), NonceCheck::Replayed);
  EXPECT_EQ(nonces.check(nonce, "000000004", 2000), NonceCheck::Replayed);
  // Expired: stale, whatever the count.
  EXPECT_EQ(nonces.check(nonce, "00000010", 1000 + 30001), NonceCheck::Stale);
  EXPECT_EQ(nonces.check("never-issued", "00000001", 2000), NonceCheck::Stale);
}

TEST_F(NonceTrackerTest, EvictsExpiredAndBeyondCapacity) {
  NonceTracker nonces(1000, 3);
  const auto first = nonces.issue(0);
  nonces.issue(10);
  nonces.issue(20);
  nonces.issue(30);  // over capacity: the oldest goes
  EXPECT_EQ(nonces.size(), 3u);
  EXPECT_EQ(nonces.check(first, "00000001", 40), NonceCheck::Stale);
  nonces.issue(5000);  // all others expired
  EXPECT_EQ(nonces.size(), 1u);
  EXPECT_NE(nonces.issue(5000), nonces.issue(5000));
}

TEST(NonceCount, ParsesHex) {
  EXPECT_EQ(parse_nonce_count("00000001"), 1u);
  EXPECT_EQ(parse_nonce_count("ffffffff"), 0xffffffffu);
  EXPECT_FALSE(parse_nonce_count(""));
  EXPECT_FALSE(parse_nonce_count("123456789"));
  EXPECT_FALSE(parse_nonce_count("0000000g"));
}

TEST(RateLimiter, AllowsABurstThenRefills) {
  RateLimiter limiter(5);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.allow("10.0.0.1", 1000)) << i;
  EXPECT_FALSE(limiter.allow("10.0.0.1", 1000));
  EXPECT_TRUE(limiter.allow("10.0.0.2", 1000));  // per address
  EXPECT_TRUE(limiter.allow("10.0.0.1", 1200));  // 200 ms = one token
  EXPECT_FALSE(limiter.allow("10.0.0.1", 1200));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.allow("10.0.0.1", 5000)) << i;
  EXPECT_FALSE(limiter.allow("10.0.0.1", 5000));
  limiter.allow("10.0.0.3", 100000);  // sweeps idle buckets
  EXPECT_EQ(limiter.tracked(), 1u);
}

TEST(ScannerFilter, MatchesCaseInsensitiveSubstrings) {
  ScannerFilter filter({"friendly-scanner", "sipvicious", "VaxSIPUserAgent", ""});
  EXPECT_EQ(filter.match("friendly-scanner"), "friendly-scanner");
  EXPECT_EQ(filter.match("SIPVicious 0.3.4"), "sipvicious");
  EXPECT_EQ(filter.match("VaxSIPUserAgent/3.1"), "vaxsipuseragent");
  EXPECT_EQ(filter.match("Yealink SIP-T46S 66.86.0.15"), "");
  EXPECT_EQ(filter.match(""), "");
}

TEST(AddressBlocker, BlocksAfterFailuresWithinTheWindowAndExpires) {
  AddressBlocker blocker(3, 10000, 60000);
  EXPECT_FALSE(blocker.record_failure("10.0.0.1", 0));
  EXPECT_FALSE(blocker.record_failure("10.0.0.1", 1000));
  // The first failure leaves the window: still two.
  EXPECT_FALSE(blocker.record_failure("10.0.0.1", 10500));
  const auto block = blocker.record_failure("10.0.0.1", 11000);
  ASSERT_TRUE(block);
  EXPECT_EQ(block->address, "10.0.0.1");
  EXPECT_EQ(block->until, 71000);
  EXPECT_FALSE(block->reason.empty());
  EXPECT_TRUE(blocker.is_blocked("10.0.0.1", 70999));
  EXPECT_FALSE(blocker.is_blocked("10.0.0.2", 20000));
  EXPECT_EQ(blocker.blocks(20000).size(), 1u);
  EXPECT_FALSE(blocker.is_blocked("10.0.0.1", 71000));
  EXPECT_TRUE(blocker.blocks(71000).empty());
  blocker.expire(71000);
  EXPECT_FALSE(blocker.unblock("10.0.0.1", 71000));
}

TEST(AddressBlocker, SuccessResetsAndAdminUnblocks) {
  AddressBlocker blocker(2, 10000, 60000);
  EXPECT_FALSE(blocker.record_failure("10.0.0.1", 0));
  blocker.record_success("10.0.0.1");
  EXPECT_FALSE(blocker.record_failure("10.0.0.1", 1));
  ASSERT_TRUE(blocker.record_failure("10.0.0.1", 2));
  EXPECT_TRUE(blocker.unblock("10.0.0.1", 3));
  EXPECT_FALSE(blocker.is_blocked("10.0.0.1", 4));
  EXPECT_FALSE(blocker.unblock("10.0.0.1", 5));
}

TEST(SecurityGate, DropsBlockedScannersAndFloods) {
  SecurityGate gate({"friendly-scanner"}, 3);
  EXPECT_FALSE(gate.check("10.0.0.1", "Yealink", 0));
  const auto scanner = gate.check("10.0.0.2", "friendly-scanner", 0);
  ASSERT_TRUE(scanner);
  EXPECT_EQ(scanner->reason, "scanner");
  EXPECT_TRUE(scanner->report);
  EXPECT_FALSE(gate.check("10.0.0.2", "friendly-scanner", 1000)->report);  // once a minute
  EXPECT_TRUE(gate.check("10.0.0.2", "friendly-scanner", 61001)->report);
  EXPECT_FALSE(gate.check("10.0.0.1", "", 0));
  EXPECT_FALSE(gate.check("10.0.0.1", "", 0));
  const auto flood = gate.check("10.0.0.1", "", 0);
  ASSERT_TRUE(flood);
  EXPECT_EQ(flood->reason, "rate_limit");
  gate.block("10.0.0.3", 5000);
  EXPECT_EQ(gate.check("10.0.0.3", "", 100)->reason, "blocked");
  EXPECT_FALSE(gate.check("10.0.0.3", "", 5000));  // expired
  gate.block("10.0.0.4", 5000);
  gate.unblock("10.0.0.4");
  EXPECT_FALSE(gate.check("10.0.0.4", "", 100));
}

}  // namespace
}  // namespace hotline::sip
