#include "call/routing_table.hpp"

#include <gtest/gtest.h>

namespace hotline::call {
namespace {

store::Trunk trunk(store::Id id, std::string name, std::string kind,
                   std::vector<std::string> addresses, std::string proxy = {}) {
  store::Trunk t;
  t.id = id;
  t.name = std::move(name);
  t.kind = std::move(kind);
  t.addresses = std::move(addresses);
  t.proxy = std::move(proxy);
  return t;
}

store::OutboundRule rule(std::string name, std::string pattern, store::Id trunk_id, int priority,
                         int strip = 0, std::string prepend = {}) {
  store::OutboundRule r;
  r.name = std::move(name);
  r.pattern = std::move(pattern);
  r.trunk_id = trunk_id;
  r.priority = priority;
  r.strip_digits = strip;
  r.prepend = std::move(prepend);
  return r;
}

RoutingTable demo() {
  auto disabled = trunk(3, "spare", "ip_peer", {"127.0.0.9"});
  disabled.enabled = false;
  store::InboundRoute did;
  did.number = "84038437";
  did.destination = "1001";
  store::InboundRoute off;
  off.number = "84038438";
  off.enabled = false;
  return RoutingTable(
      {trunk(1, "demo-carrier", "ip_peer", {"127.0.0.2"}),
       trunk(2, "carrier-reg", "registration", {}, "198.51.100.10:5060"), disabled},
      {did, off},
      {rule("local", "[2-8]XXXXXXX", 1, 20), rule("mobile", "1[3-9]XXXXXXXXX", 1, 10),
       rule("long distance", "0[1-9]XXXXXXXX.", 2, 30, 1, "9"), rule("spare", "X.", 3, 5)});
}

TEST(RoutingTable, RecognisesTrunksBySource) {
  const auto table = demo();
  ASSERT_NE(table.trunk_for_source("127.0.0.2"), nullptr);
  EXPECT_EQ(table.trunk_for_source("127.0.0.2")->name, "demo-carrier");
  ASSERT_NE(table.trunk_for_source("198.51.100.10"), nullptr);  // the registrar's address
  EXPECT_EQ(table.trunk_for_source("198.51.100.10")->name, "carrier-reg");
  EXPECT_EQ(table.trunk_for_source("127.0.0.1"), nullptr);  // phones are not trunks
  EXPECT_EQ(table.trunk_for_source("127.0.0.9"), nullptr);  // disabled trunk
}

TEST(RoutingTable, InboundNumbers) {
  const auto table = demo();
  ASSERT_NE(table.inbound("84038437"), nullptr);
  EXPECT_EQ(table.inbound("84038437")->destination, "1001");
  EXPECT_EQ(table.inbound("84038438"), nullptr);  // disabled
  EXPECT_EQ(table.inbound("12345"), nullptr);
}

TEST(RoutingTable, OutboundRulesByPriorityWithEnabledTrunksOnly) {
  const auto table = demo();
  auto mobile = table.outbound("13800138000");
  ASSERT_TRUE(mobile);
  EXPECT_EQ(mobile->rule->name, "mobile");  // "spare" (priority 5) has a disabled trunk
  EXPECT_EQ(mobile->trunk->name, "demo-carrier");
  EXPECT_EQ(mobile->number, "13800138000");
  auto local = table.outbound("84038437");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->rule->name, "local");
  auto far = table.outbound("01012345678");
  ASSERT_TRUE(far);
  EXPECT_EQ(far->number, "91012345678");  // strip 1, prepend 9
  EXPECT_EQ(far->trunk->name, "carrier-reg");
}

TEST(RoutingTable, NothingLeavesWithoutARule) {
  const auto table = demo();
  EXPECT_FALSE(table.outbound("00861012345678"));  // international: no rule
  EXPECT_FALSE(table.outbound("110"));
  EXPECT_FALSE(table.outbound(""));
}

}  // namespace
}  // namespace hotline::call
