#include "store/dial_pattern.hpp"

#include <gtest/gtest.h>

namespace hotline::store {
namespace {

TEST(DialPattern, ValidPatterns) {
  for (const char* pattern : {"1[3-9]XXXXXXXXX", "[2-8]XXXXXXX", "0XXXXXXXXX.", "NXXXXXX", "ZX.",
                              "1001", "9[135]X", "[1-35-7]", "xzn", "[0-9]."})
    EXPECT_TRUE(is_valid_dial_pattern(pattern)) << pattern;
}

TEST(DialPattern, InvalidPatterns) {
  for (const char* pattern : {"", ".", "1.2", "1..", "[", "[]", "[1-", "[3-1]", "[a]", "1]", "Y",
                              "+86X", "1 2", "1-2", "[1-5", "X*", "#"})
    EXPECT_FALSE(is_valid_dial_pattern(pattern)) << pattern;
  EXPECT_FALSE(is_valid_dial_pattern(std::string(65, 'X')));
  EXPECT_TRUE(is_valid_dial_pattern(std::string(64, 'X')));
}

TEST(DialPattern, Matching) {
  EXPECT_TRUE(dial_pattern_matches("1[3-9]XXXXXXXXX", "13800138000"));
  EXPECT_TRUE(dial_pattern_matches("1[3-9]XXXXXXXXX", "19912345678"));
  EXPECT_FALSE(dial_pattern_matches("1[3-9]XXXXXXXXX", "12800138000")) << "second digit 2";
  EXPECT_FALSE(dial_pattern_matches("1[3-9]XXXXXXXXX", "1380013800")) << "too short";
  EXPECT_FALSE(dial_pattern_matches("1[3-9]XXXXXXXXX", "138001380001")) << "too long";
  EXPECT_TRUE(dial_pattern_matches("[2-8]XXXXXXX", "84038437"));
  EXPECT_FALSE(dial_pattern_matches("[2-8]XXXXXXX", "94038437"));
  EXPECT_FALSE(dial_pattern_matches("[2-8]XXXXXXX", "04038437"));
  EXPECT_TRUE(dial_pattern_matches("Z", "1"));
  EXPECT_FALSE(dial_pattern_matches("Z", "0"));
  EXPECT_TRUE(dial_pattern_matches("N", "2"));
  EXPECT_FALSE(dial_pattern_matches("N", "1"));
  EXPECT_TRUE(dial_pattern_matches("9[135]", "95"));
  EXPECT_FALSE(dial_pattern_matches("9[135]", "94"));
  EXPECT_TRUE(dial_pattern_matches("[1-35-7]", "6"));
  EXPECT_FALSE(dial_pattern_matches("[1-35-7]", "4"));
}

TEST(DialPattern, TrailingDotNeedsAtLeastOneMoreDigit) {
  EXPECT_FALSE(dial_pattern_matches("0XXXXXXXXX.", "0101234567"));
  EXPECT_TRUE(dial_pattern_matches("0XXXXXXXXX.", "01012345678"));
  EXPECT_TRUE(dial_pattern_matches("0XXXXXXXXX.", "010123456789012"));
  EXPECT_FALSE(dial_pattern_matches("0XXXXXXXXX.", "0101234567a"));
}

TEST(DialPattern, NonDigitsAndBadPatternsNeverMatch) {
  EXPECT_FALSE(dial_pattern_matches("XXXX", "12a4"));
  EXPECT_FALSE(dial_pattern_matches("XXXX", "+123"));
  EXPECT_FALSE(dial_pattern_matches("XXXX", ""));
  EXPECT_FALSE(dial_pattern_matches("[", "1"));
  EXPECT_FALSE(dial_pattern_matches("", ""));
}

}  // namespace
}  // namespace hotline::store
