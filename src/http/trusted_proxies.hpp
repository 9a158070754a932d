// Who the client is (SPEC §4 trusted proxies): IP addresses and CIDR ranges (IPv4 and
// IPv6), the configured list of proxies whose word about the client is believed, and the
// walk that picks the client address from the connection's address and X-Forwarded-For.
// No Asio here: the server, the gateway and tests include it cheaply. Entry points:
// TrustedProxies::parse, TrustedProxies::resolve, forwarded_for_entries.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"

namespace phonebill::http {

// An IPv4 or IPv6 address. IPv4 is held IPv4-mapped (::ffff:a.b.c.d), so one range test
// serves both families and a mapped peer (a socket bound to "::") matches an IPv4 range.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};

  // "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"; nullopt for anything else.
  static std::optional<IpAddress> parse(std::string_view text);
  static IpAddress from_v4(const std::uint8_t* four_bytes);
  static IpAddress from_v6(const std::uint8_t* sixteen_bytes);
  bool is_v4() const;
  // Dotted quad for IPv4 (mapped included), RFC 5952 text for IPv6.
  std::string text() const;
  bool operator==(const IpAddress&) const = default;
};

// One X-Forwarded-For entry: an address, also "192.0.2.1:5000" or "[2001:db8::1]:5000"
// (some proxies append the port); nullopt for "unknown", obfuscated names or garbage.
std::optional<IpAddress> parse_forwarded_hop(std::string_view entry);

// A CIDR range; a bare address is a /32 (IPv4) or /128 (IPv6).
struct AddressRange {
  IpAddress network;
  int prefix_bits = 128;  // of the 128-bit (IPv4-mapped) form
  // "10.0.0.0/8", "2001:db8::/32", "127.0.0.1"; nullopt when malformed.
  static std::optional<AddressRange> parse(std::string_view text);
  bool contains(const IpAddress& address) const;
};

// The client address the server settled on, and how many X-Forwarded-For entries (from
// the right, the client's own included) it walked through to get there: the server drops
// those from the request, leaving what the client itself claimed.
struct ResolvedClient {
  std::string address;
  std::size_t forwarded_hops = 0;
};

class TrustedProxies {
 public:
  // A comma-separated CIDR list (PHONEBILL_TRUSTED_PROXIES). Throws ConfigError naming
  // the first bad item.
  static TrustedProxies parse(std::string_view list);

  bool empty() const { return ranges_.empty(); }
  bool contains(const IpAddress& address) const;
  bool contains(std::string_view address) const;  // false for a malformed address

  // SPEC §4: `connection_address` (the TCP peer) is the client unless it is trusted; then
  // walk `forwarded_for` from the right, skipping trusted hops: the first untrusted hop
  // is the client (all trusted: the leftmost). A malformed entry ends the walk: the last
  // hop we could read (a trusted proxy, which wrote that entry) stands for the client.
  ResolvedClient resolve(std::string_view connection_address,
                         const std::vector<std::string_view>& forwarded_for) const;

 private:
  std::vector<AddressRange> ranges_;
};

// Every X-Forwarded-For entry of the request in order: all fields of that name, comma-split,
// blanks trimmed, empty entries skipped. The views point into `headers`.
std::vector<std::string_view> forwarded_for_entries(const HeaderList& headers);

}  // namespace phonebill::http
