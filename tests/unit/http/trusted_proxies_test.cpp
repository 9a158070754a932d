// Addresses, CIDR ranges and the trusted-proxy walk (SPEC §4): IPv4, IPv6, IPv4-mapped,
// malformed configuration and X-Forwarded-For entries.
#include <gtest/gtest.h>

#include "core/config.hpp"
#include "http/trusted_proxies.hpp"

namespace phonebill::http {
namespace {

bool in(std::string_view range, std::string_view address) {
  auto parsed_range = AddressRange::parse(range);
  auto parsed_address = IpAddress::parse(address);
  return parsed_range && parsed_address && parsed_range->contains(*parsed_address);
}

TEST(TrustedProxiesTest, Ipv4RangesMatchByPrefix) {
  EXPECT_TRUE(in("10.0.0.0/8", "10.255.1.2"));
  EXPECT_FALSE(in("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(in("192.168.4.0/22", "192.168.7.255"));
  EXPECT_FALSE(in("192.168.4.0/22", "192.168.8.0"));
  EXPECT_TRUE(in("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(in("127.0.0.1", "127.0.0.2"));
  EXPECT_TRUE(in("0.0.0.0/0", "203.0.113.9"));
  // Host bits in the network are cleared, not a reason to match nothing.
  EXPECT_TRUE(in("10.1.2.3/8", "10.9.9.9"));
}

TEST(TrustedProxiesTest, Ipv6RangesMatchByPrefix) {
  EXPECT_TRUE(in("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(in("2001:db8::/32", "2001:db9::1"));
  EXPECT_TRUE(in("::1", "::1"));
  EXPECT_TRUE(in("fd00::/7", "fdff::1"));
  EXPECT_FALSE(in("fd00::/8", "fe00::1"));
  EXPECT_TRUE(in("2001:db8:0:1::/64", "2001:db8:0:1:ffff:ffff:ffff:ffff"));
  EXPECT_FALSE(in("2001:db8:0:1::/64", "2001:db8:0:2::"));
  // An IPv6 range never covers IPv4 unless it names the mapped space.
  EXPECT_FALSE(in("8000::/1", "10.0.0.1"));
  EXPECT_FALSE(in("2001:db8::/32", "10.0.0.1"));
}

// A socket bound to "::" sees IPv4 peers as ::ffff:a.b.c.d: they match IPv4 ranges, and
// print as plain IPv4.
TEST(TrustedProxiesTest, Ipv4MappedAddressesAreIpv4) {
  EXPECT_TRUE(in("127.0.0.0/8", "::ffff:127.0.0.1"));
  EXPECT_TRUE(in("::ffff:10.0.0.0/104", "10.3.4.5"));
  EXPECT_FALSE(in("::ffff:10.0.0.0/104", "11.3.4.5"));
  EXPECT_EQ(IpAddress::parse("::ffff:192.0.2.1")->text(), "192.0.2.1");
  EXPECT_EQ(IpAddress::parse("2001:DB8:0:0::1")->text(), "2001:db8::1");
}

TEST(TrustedProxiesTest, MalformedRangesAreConfigErrors) {
  for (auto bad : {"10.0.0.0/33", "2001:db8::/129", "10.0.0/8", "10.0.0.0/", "10.0.0.0/x",
                   "example.com", "10.0.0.0/8/9", "1.2.3.4 5", "::g"}) {
    EXPECT_FALSE(AddressRange::parse(bad)) << bad;
    EXPECT_THROW(TrustedProxies::parse(std::string{"127.0.0.1/32, "} + bad), ConfigError) << bad;
  }
  EXPECT_TRUE(TrustedProxies::parse("").empty());
  EXPECT_TRUE(TrustedProxies::parse(" , ").empty());
  auto list = TrustedProxies::parse("127.0.0.1/32, ::1 ,10.0.0.0/8");
  EXPECT_TRUE(list.contains("::1"));
  EXPECT_TRUE(list.contains("10.1.1.1"));
  EXPECT_FALSE(list.contains("192.0.2.1"));
  EXPECT_FALSE(list.contains("not-an-address"));
}

TEST(TrustedProxiesTest, ForwardedHopsMayCarryPorts) {
  EXPECT_EQ(parse_forwarded_hop("192.0.2.1:5000")->text(), "192.0.2.1");
  EXPECT_EQ(parse_forwarded_hop("[2001:db8::1]:443")->text(), "2001:db8::1");
  EXPECT_EQ(parse_forwarded_hop("[2001:db8::1]")->text(), "2001:db8::1");
  EXPECT_EQ(parse_forwarded_hop("2001:db8::1")->text(), "2001:db8::1");
  for (auto bad : {"unknown", "_hidden", "192.0.2.1:99999", "[2001:db8::1", "[2001:db8::1]x",
                   "192.0.2.1:", "", "[::ffff:1.2.3.4]:x", "1.2.3.4.5"})
    EXPECT_FALSE(parse_forwarded_hop(bad)) << bad;
}

// The TCP peer is the client unless trusted: a spoofed X-Forwarded-For changes nothing.
TEST(TrustedProxiesTest, AnUntrustedPeerIsTheClient) {
  auto proxies = TrustedProxies::parse("10.0.0.0/8");
  auto client = proxies.resolve("203.0.113.9", {"198.51.100.1"});
  EXPECT_EQ(client.address, "203.0.113.9");
  EXPECT_EQ(client.forwarded_hops, 0u);
  // No list at all: the same, whatever the peer.
  EXPECT_EQ(TrustedProxies{}.resolve("10.0.0.1", {"198.51.100.1"}).address, "10.0.0.1");
}

// From the right, trusted hops are skipped; the first untrusted one is the client, and
// what the client itself claimed further left is ignored.
TEST(TrustedProxiesTest, TheRightmostUntrustedHopIsTheClient) {
  auto proxies = TrustedProxies::parse("10.0.0.0/8, 2001:db8::/32");
  auto client = proxies.resolve("10.0.0.1", {"1.1.1.1", "198.51.100.7", "10.0.0.2"});
  EXPECT_EQ(client.address, "198.51.100.7");
  EXPECT_EQ(client.forwarded_hops, 2u);
  auto v6 = proxies.resolve("::ffff:10.0.0.1", {"[2001:db9::5]:80", "2001:db8::9"});
  EXPECT_EQ(v6.address, "2001:db9::5");
  EXPECT_EQ(v6.forwarded_hops, 2u);
  // Every hop trusted: the leftmost is as far as anyone can tell.
  auto inside = proxies.resolve("10.0.0.1", {"10.0.0.3", "10.0.0.2"});
  EXPECT_EQ(inside.address, "10.0.0.3");
  EXPECT_EQ(inside.forwarded_hops, 2u);
  // A trusted peer without the header: the peer itself.
  EXPECT_EQ(proxies.resolve("10.0.0.1", {}).address, "10.0.0.1");
}

// A malformed entry ends the walk at the last hop we could read: garbage the client put
// left of the real hops is never reached; garbage from a trusted proxy leaves the proxy.
TEST(TrustedProxiesTest, MalformedEntriesEndTheWalk) {
  auto proxies = TrustedProxies::parse("10.0.0.0/8");
  auto behind_garbage = proxies.resolve("10.0.0.1", {"garbage", "198.51.100.7"});
  EXPECT_EQ(behind_garbage.address, "198.51.100.7");
  auto garbage = proxies.resolve("10.0.0.1", {"198.51.100.7", "unknown", "10.0.0.2"});
  EXPECT_EQ(garbage.address, "10.0.0.2");
  EXPECT_EQ(garbage.forwarded_hops, 1u);
  auto first = proxies.resolve("10.0.0.1", {"nonsense"});
  EXPECT_EQ(first.address, "10.0.0.1");
  EXPECT_EQ(first.forwarded_hops, 0u);
}

TEST(TrustedProxiesTest, EntriesComeFromEveryForwardedForField) {
  HeaderList headers{
      {"x-forwarded-for", "1.1.1.1, 2.2.2.2"}, {"accept", "x"}, {"x-forwarded-for", " ,3.3.3.3"}};
  auto entries = forwarded_for_entries(headers);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0], "1.1.1.1");
  EXPECT_EQ(entries[2], "3.3.3.3");
}

}  // namespace
}  // namespace phonebill::http
