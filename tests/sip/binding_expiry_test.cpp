// Registration lifetimes and NAT detection.
#include "sip/binding_expiry.hpp"

#include <gtest/gtest.h>

namespace hotline::sip {
namespace {

using Kind = ExpiryDecision::Kind;

TEST(BindingExpiry, ContactParameterWinsOverHeaderOverDefault) {
  const ExpiryLimits limits{60, 3600, 600};
  EXPECT_EQ(decide_expiry(std::nullopt, std::nullopt, limits).seconds, 600);
  EXPECT_EQ(decide_expiry(std::nullopt, 300, limits).seconds, 300);
  EXPECT_EQ(decide_expiry(120, 300, limits).seconds, 120);
  EXPECT_EQ(decide_expiry(0, 300, limits).kind, Kind::Remove);
  EXPECT_EQ(decide_expiry(std::nullopt, 0, limits).kind, Kind::Remove);
  EXPECT_EQ(decide_expiry(300, 0, limits).kind, Kind::Bind);
}

TEST(BindingExpiry, TooBriefIsRefusedAndTooLongIsCut) {
  const ExpiryLimits limits{60, 3600, 600};
  const auto brief = decide_expiry(30, std::nullopt, limits);
  EXPECT_EQ(brief.kind, Kind::TooBrief);
  EXPECT_EQ(brief.seconds, 60);
  EXPECT_EQ(decide_expiry(60, std::nullopt, limits).kind, Kind::Bind);
  const auto long_one = decide_expiry(std::nullopt, 86400, limits);
  EXPECT_EQ(long_one.kind, Kind::Bind);
  EXPECT_EQ(long_one.seconds, 3600);
}

TEST(BindingExpiry, NatDetection) {
  ContactEntry contact;
  contact.host = "192.168.1.20";
  contact.port = 5062;
  EXPECT_TRUE(contact_behind_nat(contact, {"203.0.113.9", 40000, "udp"}));
  EXPECT_FALSE(contact_behind_nat(contact, {"192.168.1.20", 5062, "udp"}));
  EXPECT_TRUE(contact_behind_nat(contact, {"192.168.1.20", 40000, "udp"}));
  // TCP: the source port is ephemeral, only the host counts.
  EXPECT_FALSE(contact_behind_nat(contact, {"192.168.1.20", 40000, "tcp"}));
  contact.port = 0;  // default port
  EXPECT_FALSE(contact_behind_nat(contact, {"192.168.1.20", 5060, "udp"}));
}

TEST(SourceAddress, RoundTripsThroughText) {
  const SourceAddress v4{"127.0.0.1", 5062, "udp"};
  EXPECT_EQ(v4.host_port(), "127.0.0.1:5062");
  const auto parsed = parse_source(v4.host_port(), "udp");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->host, "127.0.0.1");
  EXPECT_EQ(parsed->port, 5062);
  const SourceAddress v6{"::1", 5060, "tcp"};
  EXPECT_EQ(v6.host_port(), "[::1]:5060");
  const auto parsed6 = parse_source(v6.host_port(), "tcp");
  ASSERT_TRUE(parsed6);
  EXPECT_EQ(parsed6->host, "::1");
  EXPECT_EQ(parsed6->transport, "tcp");
  for (const char* bad : {"", "127.0.0.1", ":5060", "127.0.0.1:", "127.0.0.1:0", "h:70000", "h:5x"})
    EXPECT_FALSE(parse_source(bad, "udp")) << bad;
}

}  // namespace
}  // namespace hotline::sip
