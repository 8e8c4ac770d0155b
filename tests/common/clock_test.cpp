#include "common/clock.hpp"

#include <gtest/gtest.h>

namespace hotline {
namespace {

TEST(Clock, FormatsUtc) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(1'795'886'171'000), "2026-11-28T17:16:11Z");
}

TEST(Clock, ParsesWhatItFormats) {
  const EpochMs t = 1'795'886'171'000;
  EXPECT_EQ(parse_iso8601(format_iso8601(t)), t);
}

TEST(Clock, ParsesZonesFractionsAndDates) {
  EXPECT_EQ(parse_iso8601("2026-11-29T01:16:11+08:00"), 1'795'886'171'000);
  EXPECT_EQ(parse_iso8601("2026-11-28T17:16:11.250Z"), 1'795'886'171'250);
  EXPECT_EQ(parse_iso8601("1970-01-02"), 86'400'000);
}

TEST(Clock, RejectsNonsense) {
  for (const char* bad :
       {"", "2026", "2026-13-01", "2026-02-30", "2026-11-28T25:00:00Z", "2026-11-28T10:00:00",
        "2026-11-28T10:00:00Zjunk", "abcd-ef-gh", "2026-11-28T10:00:00+0800"})
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
}

}  // namespace
}  // namespace hotline
