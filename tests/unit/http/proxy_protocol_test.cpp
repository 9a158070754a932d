// The PROXY protocol v2 parser: good IPv4 and IPv6 headers, TLVs, LOCAL, truncation, a
// wrong signature or version, and HTTP that merely starts like the signature.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "http/proxy_protocol.hpp"

namespace phonebill::http {
namespace {

const std::string kSignature{"\r\n\r\n\0\r\nQUIT\n", 12};

// A header: signature, version 2 + command, family + transport, length, then `payload`.
std::string header(std::uint8_t command, std::uint8_t family_transport,
                   std::initializer_list<std::uint8_t> payload) {
  std::string bytes = kSignature;
  bytes.push_back(char(0x20 | command));
  bytes.push_back(char(family_transport));
  bytes.push_back(char(payload.size() >> 8));
  bytes.push_back(char(payload.size() & 0xff));
  for (auto byte : payload) bytes.push_back(char(byte));
  return bytes;
}

// 192.0.2.10:51000 -> 127.0.0.1:8180, then `tlvs`.
std::string ipv4_header(std::initializer_list<std::uint8_t> tlvs = {}) {
  std::string bytes = header(1, 0x11, {192, 0, 2, 10, 127, 0, 0, 1, 0xc7, 0x38, 0x1f, 0xf4});
  bytes.append(tlvs.begin(), tlvs.end());
  auto length = std::size_t(12 + tlvs.size());
  bytes[14] = char(length >> 8);
  bytes[15] = char(length & 0xff);
  return bytes;
}

TEST(ProxyProtocolTest, ReadsAnIpv4Header) {
  auto bytes = ipv4_header() + "GET / HTTP/1.1\r\n";
  auto parsed = parse_proxy_header(bytes);
  EXPECT_EQ(parsed.status, ProxyHeaderStatus::kProxied);
  EXPECT_EQ(parsed.size, 28u);
  EXPECT_EQ(parsed.source_address, "192.0.2.10");
  EXPECT_EQ(parsed.source_port, 51000);
}

TEST(ProxyProtocolTest, ReadsAnIpv6Header) {
  auto bytes = header(
      1, 0x21, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,    0x07, 0,    0,
                0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x01, 0xbb, 0x1f, 0x90});
  auto parsed = parse_proxy_header(bytes);
  EXPECT_EQ(parsed.status, ProxyHeaderStatus::kProxied);
  EXPECT_EQ(parsed.size, 52u);
  EXPECT_EQ(parsed.source_address, "2001:db8::7");
  EXPECT_EQ(parsed.source_port, 443);
}

// TLVs (here ALPN "h2" and a NOOP) are skipped; one that overruns the header is refused.
TEST(ProxyProtocolTest, SkipsWellFormedTlvsAndRefusesBrokenOnes) {
  auto with_tlvs = ipv4_header({0x01, 0x00, 0x02, 'h', '2', 0x04, 0x00, 0x00});
  auto parsed = parse_proxy_header(with_tlvs);
  EXPECT_EQ(parsed.status, ProxyHeaderStatus::kProxied);
  EXPECT_EQ(parsed.size, with_tlvs.size());
  EXPECT_EQ(parsed.source_address, "192.0.2.10");
  EXPECT_EQ(parse_proxy_header(ipv4_header({0x01, 0x00, 0x09, 'h', '2'})).status,
            ProxyHeaderStatus::kMalformed);
  EXPECT_EQ(parse_proxy_header(ipv4_header({0x01, 0x00})).status, ProxyHeaderStatus::kMalformed);
}

// LOCAL (the balancer's own health check) and families without a usable address: the
// connection's peer stands; the whole header is still consumed.
TEST(ProxyProtocolTest, LocalAndUnspecifiedKeepThePeer) {
  auto local = parse_proxy_header(header(0, 0x00, {}));
  EXPECT_EQ(local.status, ProxyHeaderStatus::kLocal);
  EXPECT_EQ(local.size, 16u);
  auto local_with_addresses = ipv4_header();
  local_with_addresses[12] = char(0x20);
  EXPECT_EQ(parse_proxy_header(local_with_addresses).status, ProxyHeaderStatus::kLocal);
  EXPECT_EQ(parse_proxy_header(header(1, 0x00, {})).status, ProxyHeaderStatus::kLocal);
  EXPECT_EQ(parse_proxy_header(header(1, 0x31, std::initializer_list<std::uint8_t>{})).status,
            ProxyHeaderStatus::kLocal);
}

// Any prefix of a header asks for more, and says how much once the length is known.
TEST(ProxyProtocolTest, TruncatedHeadersAskForMore) {
  auto full = ipv4_header();
  for (std::size_t size = 0; size < full.size(); ++size) {
    auto parsed = parse_proxy_header(std::string_view{full}.substr(0, size));
    EXPECT_EQ(parsed.status, ProxyHeaderStatus::kIncomplete) << size;
    EXPECT_EQ(parsed.size, size < 16 ? 16u : full.size()) << size;
  }
}

TEST(ProxyProtocolTest, OtherBytesAreNotAHeader) {
  EXPECT_EQ(parse_proxy_header("GET / HTTP/1.1\r\n").status, ProxyHeaderStatus::kAbsent);
  // Blank lines before a request (RFC 9112 §2.2) look like the signature's start, briefly.
  EXPECT_EQ(parse_proxy_header("\r\n\r\nGET /").status, ProxyHeaderStatus::kAbsent);
  EXPECT_EQ(parse_proxy_header("\r\n").status, ProxyHeaderStatus::kIncomplete);
  // PROXY protocol version 1 (text) is not accepted as version 2.
  EXPECT_EQ(parse_proxy_header("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n").status,
            ProxyHeaderStatus::kAbsent);
  auto wrong_signature = ipv4_header();
  wrong_signature[11] = 'X';
  EXPECT_EQ(parse_proxy_header(wrong_signature).status, ProxyHeaderStatus::kAbsent);
}

TEST(ProxyProtocolTest, WrongVersionCommandOrFamilyIsMalformed) {
  auto version1 = ipv4_header();
  version1[12] = char(0x11);
  EXPECT_EQ(parse_proxy_header(version1).status, ProxyHeaderStatus::kMalformed);
  auto command2 = ipv4_header();
  command2[12] = char(0x22);
  EXPECT_EQ(parse_proxy_header(command2).status, ProxyHeaderStatus::kMalformed);
  auto family4 = ipv4_header();
  family4[13] = char(0x41);
  EXPECT_EQ(parse_proxy_header(family4).status, ProxyHeaderStatus::kMalformed);
  auto udp = ipv4_header();
  udp[13] = char(0x12);
  EXPECT_EQ(parse_proxy_header(udp).status, ProxyHeaderStatus::kMalformed);
  // An IPv4 header too short for its addresses.
  EXPECT_EQ(parse_proxy_header(header(1, 0x11, {192, 0, 2, 10})).status,
            ProxyHeaderStatus::kMalformed);
  // Longer than we are willing to buffer.
  auto huge = ipv4_header();
  huge[14] = char(0x40);
  EXPECT_EQ(parse_proxy_header(huge).status, ProxyHeaderStatus::kMalformed);
}

}  // namespace
}  // namespace phonebill::http
