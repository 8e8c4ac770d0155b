#include "acd/wait_predictor.hpp"

#include <gtest/gtest.h>

namespace hotline::acd {
namespace {

constexpr EpochMs kMinute = 60 * 1000;

TEST(WaitPredictor, UsesTheRecentDepartureRateOnceThereIsEnoughHistory) {
  WaitPredictor predictor;
  predictor.observe(0);
  // Six answers in ten minutes: one per 100 s.
  for (int i = 1; i <= 6; ++i) predictor.departed(i * 100 * 1000);
  const EpochMs now = 10 * kMinute;
  ASSERT_TRUE(predictor.service_rate(now));
  EXPECT_DOUBLE_EQ(*predictor.service_rate(now), 0.01);
  EXPECT_EQ(predictor.predict_seconds(1, 5, now), 100);
  EXPECT_EQ(predictor.predict_seconds(3, 5, now), 300);
}

TEST(WaitPredictor, OnlyCountsDeparturesInsideTheWindow) {
  WaitPredictor predictor;
  predictor.observe(0);
  for (int i = 0; i < 20; ++i) predictor.departed(i * 1000);  // a burst long ago
  for (int i = 1; i <= 3; ++i) predictor.departed(40 * kMinute + i * kMinute);
  const EpochMs now = 45 * kMinute;
  // The window is the last 30 minutes: 3 departures over 1,800 s.
  EXPECT_EQ(predictor.predict_seconds(1, 1, now), 600);
}

TEST(WaitPredictor, TheObservedSpanStartsAtTheFirstActivity) {
  WaitPredictor predictor;
  predictor.observe(10 * kMinute);
  for (int i = 1; i <= 4; ++i) predictor.departed(10 * kMinute + i * 30 * 1000);
  // 4 departures over the 2 minutes observed, not over 30 minutes.
  EXPECT_EQ(predictor.predict_seconds(2, 1, 12 * kMinute), 60);
}

TEST(WaitPredictor, FallsBackToTheDefaultHandleTimeSharedByLoggedInMembers) {
  WaitPredictor predictor;
  predictor.observe(0);
  predictor.departed(1000);
  predictor.departed(2000);  // fewer than 3 departures
  EXPECT_FALSE(predictor.service_rate(kMinute));
  EXPECT_EQ(predictor.predict_seconds(2, 4, kMinute), 90);   // 2 * 180 / 4
  EXPECT_EQ(predictor.predict_seconds(2, 0, kMinute), 360);  // no one logged in counts as one
}

TEST(WaitPredictor, FallsBackToTheRecentMeanHandleTime) {
  WaitPredictor predictor;
  predictor.handled(60 * 1000);
  predictor.handled(120 * 1000);
  EXPECT_EQ(predictor.predict_seconds(3, 2, 0), 135);  // 3 * 90 / 2
}

TEST(WaitPredictor, ForgetsDeparturesBeyondTheSampleCap) {
  WaitPredictor predictor({.max_departures = 3});
  predictor.observe(0);
  for (int i = 1; i <= 10; ++i) predictor.departed(i * kMinute);
  // Only the last 3 kept: with a longer window, the rate is 3 per 600 s.
  EXPECT_EQ(predictor.predict_seconds(1, 1, 10 * kMinute), 200);
}

}  // namespace
}  // namespace hotline::acd
