#include "common/masking.hpp"

#include <gtest/gtest.h>

namespace hotline {
namespace {

TEST(Masking, MobileNumbersKeepThreeAndFour) {
  EXPECT_EQ(mask_phone_number("13800138000"), "138****8000");
  EXPECT_EQ(mask_phone_number("+8613800138000"), "+86138****8000");
  EXPECT_EQ(mask_phone_number("+86 13800138000"), "+86 138****8000");
  EXPECT_EQ(mask_phone_number("01084038437"), "010****8437");
  EXPECT_EQ(mask_phone_number("010-84038437"), "010-****8437");
}

TEST(Masking, LocalNumbersKeepTwoAndTwo) {
  EXPECT_EQ(mask_phone_number("84038437"), "84****37");
  EXPECT_EQ(mask_phone_number("8403843"), "84***43");
  EXPECT_EQ(mask_phone_number("1084038437"), "10******37");
}

TEST(Masking, ShortNumbersAndEmptyAreUnchanged) {
  EXPECT_EQ(mask_phone_number("1001"), "1001");
  EXPECT_EQ(mask_phone_number("123456"), "123456");
  EXPECT_EQ(mask_phone_number(""), "");
  EXPECT_EQ(mask_phone_number("anonymous"), "anonymous");
}

TEST(Masking, IdNumbers) {
  EXPECT_EQ(mask_id_number("110101199003071234"), "110101********1234");
  EXPECT_EQ(mask_id_number("11010119900307X"), "110101******07X");
  EXPECT_EQ(mask_id_number("11010119900307123X"), "110101********123X");
  EXPECT_EQ(mask_id_number("ABCDEFG"), "A*****G");
  EXPECT_EQ(mask_id_number("1234"), "****");
  EXPECT_EQ(mask_id_number(""), "");
}

}  // namespace
}  // namespace hotline
