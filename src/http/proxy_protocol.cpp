// The PROXY protocol v2 parser (see proxy_protocol.hpp; section 2.2 of the specification).
#include "http/proxy_protocol.hpp"

#include <algorithm>
#include <array>

#include "http/trusted_proxies.hpp"

namespace phonebill::http {
namespace {

constexpr std::string_view kSignature{"\r\n\r\n\0\r\nQUIT\n", 12};

std::uint8_t byte_at(std::string_view bytes, std::size_t index) {
  return static_cast<std::uint8_t>(bytes[index]);
}

std::uint16_t big_endian16(std::string_view bytes, std::size_t index) {
  return std::uint16_t((byte_at(bytes, index) << 8) | byte_at(bytes, index + 1));
}

ProxyHeader malformed() { return ProxyHeader{ProxyHeaderStatus::kMalformed}; }

// The TLVs fill [begin, end) exactly: type (1 byte), length (2), value.
bool well_formed_tlvs(std::string_view bytes, std::size_t begin, std::size_t end) {
  while (begin < end) {
    if (end - begin < 3) return false;
    std::size_t length = big_endian16(bytes, begin + 1);
    begin += 3;
    if (end - begin < length) return false;
    begin += length;
  }
  return true;
}

}  // namespace

ProxyHeader parse_proxy_header(std::string_view bytes) {
  auto compared = std::min(bytes.size(), kSignature.size());
  if (bytes.substr(0, compared) != kSignature.substr(0, compared))
    return ProxyHeader{ProxyHeaderStatus::kAbsent};
  if (bytes.size() < kProxyHeaderFixedSize)
    return ProxyHeader{ProxyHeaderStatus::kIncomplete, kProxyHeaderFixedSize};
  auto version_command = byte_at(bytes, 12);
  auto family_transport = byte_at(bytes, 13);
  std::size_t total = kProxyHeaderFixedSize + big_endian16(bytes, 14);
  if ((version_command >> 4) != 2) return malformed();
  auto command = version_command & 0x0f;
  if (command > 1) return malformed();
  auto family = family_transport >> 4;
  auto transport = family_transport & 0x0f;
  if (family > 3 || transport > 2) return malformed();
  if (total > kProxyHeaderMaxSize) return malformed();
  if (bytes.size() < total) return ProxyHeader{ProxyHeaderStatus::kIncomplete, total};

  // LOCAL: the proxy speaks for itself (health checks); the address block is ignored.
  // UNSPEC and UNIX families carry no address we could use: the peer stands (section 2.2).
  bool inet = family == 1 || family == 2;
  if (command == 0 || !inet || transport != 1) {
    // A PROXY over UDP (transport 2) on a TCP connection makes no sense.
    if (command == 1 && inet && transport == 2) return malformed();
    return ProxyHeader{ProxyHeaderStatus::kLocal, total};
  }
  std::size_t address_bytes = family == 1 ? 12 : 36;
  if (total - kProxyHeaderFixedSize < address_bytes) return malformed();
  if (!well_formed_tlvs(bytes, kProxyHeaderFixedSize + address_bytes, total)) return malformed();
  const auto* block = reinterpret_cast<const std::uint8_t*>(bytes.data()) + kProxyHeaderFixedSize;
  ProxyHeader header{ProxyHeaderStatus::kProxied, total};
  if (family == 1) {
    header.source_address = IpAddress::from_v4(block).text();
    header.source_port = big_endian16(bytes, kProxyHeaderFixedSize + 8);
  } else {
    header.source_address = IpAddress::from_v6(block).text();
    header.source_port = big_endian16(bytes, kProxyHeaderFixedSize + 32);
  }
  return header;
}

}  // namespace phonebill::http
