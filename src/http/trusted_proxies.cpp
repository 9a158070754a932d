// Addresses, CIDR ranges and the trusted-proxy walk (see trusted_proxies.hpp).
#include "http/trusted_proxies.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

#include "core/config.hpp"
#include "core/text_list.hpp"

namespace phonebill::http {
namespace {

constexpr std::array<std::uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// inet_pton wants a NUL-terminated string; addresses are short, so a stack copy does.
bool copy_terminated(std::string_view text, std::array<char, 64>& out) {
  if (text.empty() || text.size() >= out.size()) return false;
  std::copy(text.begin(), text.end(), out.begin());
  out[text.size()] = '\0';
  return true;
}

bool is_port(std::string_view text) {
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size() && value <= 65535;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  std::array<char, 64> terminated{};
  if (!copy_terminated(text, terminated)) return std::nullopt;
  std::array<std::uint8_t, 16> bytes{};
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, terminated.data(), bytes.data()) != 1) return std::nullopt;
    return from_v4(bytes.data());
  }
  if (inet_pton(AF_INET6, terminated.data(), bytes.data()) != 1) return std::nullopt;
  return from_v6(bytes.data());
}

IpAddress IpAddress::from_v4(const std::uint8_t* four_bytes) {
  IpAddress address;
  std::copy(kMappedPrefix.begin(), kMappedPrefix.end(), address.bytes.begin());
  std::copy(four_bytes, four_bytes + 4, address.bytes.begin() + 12);
  return address;
}

IpAddress IpAddress::from_v6(const std::uint8_t* sixteen_bytes) {
  IpAddress address;
  std::copy(sixteen_bytes, sixteen_bytes + 16, address.bytes.begin());
  return address;
}

bool IpAddress::is_v4() const {
  return std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes.begin());
}

std::string IpAddress::text() const {
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (is_v4()) {
    inet_ntop(AF_INET, bytes.data() + 12, out.data(), out.size());
  } else {
    inet_ntop(AF_INET6, bytes.data(), out.data(), out.size());
  }
  return out.data();
}

std::optional<IpAddress> parse_forwarded_hop(std::string_view entry) {
  if (entry.starts_with('[')) {
    auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    auto rest = entry.substr(close + 1);
    if (!rest.empty() && !(rest.starts_with(':') && is_port(rest.substr(1)))) return std::nullopt;
    return IpAddress::parse(entry.substr(1, close - 1));
  }
  // One colon: an IPv4 address with a port. Several: a bare IPv6 address.
  auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    if (!is_port(entry.substr(colon + 1))) return std::nullopt;
    auto address = IpAddress::parse(entry.substr(0, colon));
    if (!address || !address->is_v4()) return std::nullopt;
    return address;
  }
  return IpAddress::parse(entry);
}

std::optional<AddressRange> AddressRange::parse(std::string_view text) {
  auto slash = text.find('/');
  auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  // IPv4 prefixes count the last 32 of the 128 bits; an IPv6 text keeps its own count,
  // so "::ffff:10.0.0.0/104" and "10.0.0.0/8" name the same range.
  bool v4_text = text.substr(0, slash).find(':') == std::string_view::npos;
  int width = v4_text ? 32 : 128;
  int bits = width;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() ||
        bits < 0 || bits > width)
      return std::nullopt;
  }
  AddressRange range{*address, bits + (128 - width)};
  // Host bits set ("10.0.0.1/8") are a likely typo, but harmless: cleared here.
  for (int bit = range.prefix_bits; bit < 128; ++bit)
    range.network.bytes[std::size_t(bit / 8)] &= std::uint8_t(~(0x80u >> (bit % 8)));
  return range;
}

bool AddressRange::contains(const IpAddress& address) const {
  int whole = prefix_bits / 8;
  if (!std::equal(network.bytes.begin(), network.bytes.begin() + whole, address.bytes.begin()))
    return false;
  int rest = prefix_bits % 8;
  if (rest == 0) return true;
  auto mask = std::uint8_t(0xff00u >> rest);
  return (network.bytes[std::size_t(whole)] & mask) == (address.bytes[std::size_t(whole)] & mask);
}

TrustedProxies TrustedProxies::parse(std::string_view list) {
  TrustedProxies proxies;
  for (auto item : split_list(list)) {
    auto range = AddressRange::parse(item);
    if (!range) {
      throw ConfigError("PHONEBILL_TRUSTED_PROXIES: '" + std::string{item} +
                        "' is not an IPv4 or IPv6 address or CIDR range");
    }
    proxies.ranges_.push_back(*range);
  }
  return proxies;
}

bool TrustedProxies::contains(const IpAddress& address) const {
  return std::any_of(ranges_.begin(), ranges_.end(),
                     [&](const AddressRange& range) { return range.contains(address); });
}

bool TrustedProxies::contains(std::string_view address) const {
  if (ranges_.empty()) return false;
  auto parsed = IpAddress::parse(address);
  return parsed && contains(*parsed);
}

ResolvedClient TrustedProxies::resolve(std::string_view connection_address,
                                       const std::vector<std::string_view>& forwarded_for) const {
  if (ranges_.empty()) return {std::string{connection_address}, 0};
  auto peer = IpAddress::parse(connection_address);
  if (!peer || !contains(*peer)) return {std::string{connection_address}, 0};
  IpAddress client = *peer;
  std::size_t hops = 0;
  for (auto entry = forwarded_for.rbegin(); entry != forwarded_for.rend(); ++entry) {
    auto hop = parse_forwarded_hop(*entry);
    if (!hop) break;
    client = *hop;
    ++hops;
    if (!contains(client)) break;
  }
  return {client.text(), hops};
}

std::vector<std::string_view> forwarded_for_entries(const HeaderList& headers) {
  std::vector<std::string_view> entries;
  for (const auto& [name, value] : headers) {
    if (name != "x-forwarded-for") continue;
    auto items = split_list(value);
    entries.insert(entries.end(), items.begin(), items.end());
  }
  return entries;
}

}  // namespace phonebill::http
