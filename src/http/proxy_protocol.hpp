// PROXY protocol version 2 (HAProxy's binary connection header, see
// haproxy.org/download/2.6/doc/proxy-protocol.txt): a proxy in front of the server sends
// it first on each connection to say whose connection it relays. Only the parser lives
// here (pure, no I/O); the server reads the bytes and decides whom to believe.
// Entry point: parse_proxy_header.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace phonebill::http {

// The fixed part: 12 signature bytes, version/command, family/transport, 2 length bytes.
inline constexpr std::size_t kProxyHeaderFixedSize = 16;
// Addresses plus the TLVs a load balancer adds (ALPN, authority, unique id, TLS facts)
// fit easily; a longer header is refused rather than buffered.
inline constexpr std::size_t kProxyHeaderMaxSize = 4096;

enum class ProxyHeaderStatus {
  kAbsent,      // the bytes do not start with the signature: plain HTTP (or TLS) follows
  kIncomplete,  // a header (or what may still become one) needs more bytes
  kMalformed,   // the signature, then nonsense: the connection must close
  kLocal,       // LOCAL command (the proxy's own health check) or an address family we
                // do not use (UNSPEC, UNIX): the connection's own peer stands
  kProxied,     // PROXY over TCP/IPv4 or TCP/IPv6: source_address is the client
};

struct ProxyHeader {
  ProxyHeaderStatus status = ProxyHeaderStatus::kAbsent;
  // kLocal/kProxied: bytes the header takes (to consume). kIncomplete: bytes needed in
  // total to go on (at least kProxyHeaderFixedSize).
  std::size_t size = 0;
  std::string source_address;  // kProxied: "192.0.2.1" or "2001:db8::1"
  std::uint16_t source_port = 0;
};

// Reads a PROXY v2 header at the start of `bytes` (what has arrived so far). TLVs after
// the addresses are checked for shape and skipped.
ProxyHeader parse_proxy_header(std::string_view bytes);

}  // namespace phonebill::http
