// GB 11643-1999 resident ID numbers as keyed on a telephone keypad. The check characters in
// the test data were computed separately (by hand-checked script), not by the code under test.
#include <gtest/gtest.h>

#include "common/masking.hpp"
#include "ivr/id_number.hpp"

namespace hotline::ivr {
namespace {

using namespace std::chrono;

const year_month_day kToday{year{2026}, month{11}, day{28}};

TEST(IdNumber, ValidNumbersPass) {
  for (const char* number :
       {"11010519491231002X", "110101200001010010", "320106198511205679", "110105198001011238"}) {
    SCOPED_TRACE(number);
    const auto check = check_id_number(number, kToday);
    EXPECT_TRUE(check.ok()) << to_string(*check.problem);
    EXPECT_EQ(check.normalized, number);
  }
}

TEST(IdNumber, CheckCharacterTable) {
  EXPECT_EQ(id_number_check_character("11010519491231002"), 'X');
  EXPECT_EQ(id_number_check_character("44030419900307123"), 'X');
  EXPECT_EQ(id_number_check_character("11010120000101001"), '0');
  EXPECT_EQ(id_number_check_character("32010619851120567"), '9');
  EXPECT_EQ(id_number_check_character("1101051949123100"), '\0');
  EXPECT_EQ(id_number_check_character("1101051949123100A"), '\0');
}

TEST(IdNumber, StarOnTheKeypadStandsForX) {
  const auto keyed = check_id_number("11010519491231002*", kToday);
  ASSERT_TRUE(keyed.ok());
  EXPECT_EQ(keyed.normalized, "11010519491231002X");
  const auto lower = check_id_number("44030419900307123x", kToday);
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower.normalized, "44030419900307123X");
  EXPECT_TRUE(check_id_number("11010519491231002X", kToday).ok());
}

TEST(IdNumber, BadCheckDigit) {
  const auto check = check_id_number("110105194912310029", kToday);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(*check.problem, IdNumberProblem::bad_check_digit);
  EXPECT_TRUE(check.normalized.empty());
  // X where the sum asks for a digit, and a digit where it asks for X.
  EXPECT_EQ(*check_id_number("11010120000101001*", kToday).problem,
            IdNumberProblem::bad_check_digit);
  EXPECT_EQ(*check_id_number("110105194912310020", kToday).problem,
            IdNumberProblem::bad_check_digit);
  // A swapped pair of digits is caught.
  EXPECT_EQ(*check_id_number("320106198511205769", kToday).problem,
            IdNumberProblem::bad_check_digit);
}

TEST(IdNumber, WrongLength) {
  for (const char* number : {"", "11010519491231002", "11010519491231002X1", "110105491231002"}) {
    SCOPED_TRACE(number);
    const auto check = check_id_number(number, kToday);
    ASSERT_FALSE(check.ok());
    EXPECT_EQ(*check.problem, IdNumberProblem::wrong_length);
  }
}

TEST(IdNumber, BadCharacters) {
  for (const char* number : {"1101051949123100*X", "11010519491231002#", "X10105194912310021",
                             "11010519491 310021", "11010519491231002Y"}) {
    SCOPED_TRACE(number);
    const auto check = check_id_number(number, kToday);
    ASSERT_FALSE(check.ok());
    EXPECT_EQ(*check.problem, IdNumberProblem::bad_characters);
  }
}

TEST(IdNumber, BadBirthDate) {
  // Check characters below are right, so only the date can fail.
  for (const char* number : {"110105199002300028",     // 30 February
                             "110105203012310026",     // in the future
                             "110105202611290018",     // tomorrow
                             "110105189912310015"}) {  // before 1900
    SCOPED_TRACE(number);
    const auto check = check_id_number(number, kToday);
    ASSERT_FALSE(check.ok());
    EXPECT_EQ(*check.problem, IdNumberProblem::bad_birth_date);
  }
  // Born today is plausible.
  EXPECT_TRUE(check_id_number("110105202611280012", kToday).ok());
}

TEST(IdNumber, ProblemCodes) {
  EXPECT_EQ(to_string(IdNumberProblem::wrong_length), "wrong_length");
  EXPECT_EQ(to_string(IdNumberProblem::bad_characters), "bad_characters");
  EXPECT_EQ(to_string(IdNumberProblem::bad_birth_date), "bad_birth_date");
  EXPECT_EQ(to_string(IdNumberProblem::bad_check_digit), "bad_check_digit");
}

TEST(IdNumber, MaskingFollowsTheGlossary) {
  EXPECT_EQ(mask_id_number("11010519491231002X"), "110105********002X");
}

}  // namespace
}  // namespace hotline::ivr
