#include "common/event_bus.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace hotline {
namespace {

TEST(EventBus, DeliversToSubscribersUntilTheyLeave) {
  EventBus bus;
  std::vector<std::string> seen;
  auto subscription = bus.subscribe([&](const Event& e) { seen.push_back(e.type); });
  bus.publish({"a", {}, ""});
  subscription.reset();
  bus.publish({"b", {}, ""});
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], "a");
}

TEST(EventBus, SubscriptionMayOutliveTheBus) {
  EventBus::Subscription subscription;
  {
    auto bus = std::make_unique<EventBus>();
    subscription = bus->subscribe([](const Event&) {});
  }
  subscription.reset();  // must not touch the destroyed bus
  SUCCEED();
}

}  // namespace
}  // namespace hotline
