// The settings of one HTTP listener (SPEC §2 limits, timeouts, connection caps, TLS), apart
// from the server itself so configuration headers include no Asio: a service's config
// holds a ServerOptions, only main and the server see http/server.hpp.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/config.hpp"
#include "http/request.hpp"
#include "http/trusted_proxies.hpp"

namespace phonebill::http {

// The per-address cap of a listener that faces clients directly (the gateway's public one).
inline constexpr std::size_t kGatewayConnectionsPerAddress = 512;

struct ServerOptions {
  std::string service_name = "phonebill";
  // Which copy of the service this is (PHONEBILL_INSTANCE): on /readyz and in metrics.
  std::string instance = "local";
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (tests); listen() returns the real one
  int io_threads = 1;  // one event loop per process; scale by instances (docs/decisions.md)
  std::size_t body_limit = 64 * 1024;
  std::size_t header_limit = 16 * 1024;
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive wait for the next request
  // The whole request head must arrive within this of its first byte (not between bytes).
  std::chrono::milliseconds header_timeout{10'000};
  // After the head, the body must average at least min_body_rate bytes/s once
  // body_rate_grace has passed (0: no rate, the header timeout bounds each read instead).
  std::size_t min_body_rate = 1024;
  std::chrono::milliseconds body_rate_grace{5'000};
  // Open client connections, in total and from one peer address; a connection over a
  // cap is closed at once (counted in http_connections_rejected_total). 0 in
  // max_connections: half of RLIMIT_NOFILE, leaving descriptors for upstreams, the
  // database and Redis; 0 in max_connections_per_address: no per-address cap (the
  // default: behind the gateway every connection comes from a gateway, whose pools grow
  // with its load; the gateway's public listener sets kGatewayConnectionsPerAddress).
  std::size_t max_connections = 0;
  std::size_t max_connections_per_address = 0;
  std::chrono::milliseconds request_deadline{30'000};
  std::chrono::milliseconds shutdown_grace{10'000};
  bool access_log = true;
  bool expose_metrics = true;  // the gateway serves /metrics on its admin port instead
  // Added to every response this server writes, errors and built-ins included (the
  // gateway's security headers). Rendered once at construction.
  HeaderList response_headers;
  // Peers whose PROXY protocol v2 header or X-Forwarded-For names the client (SPEC §4,
  // PHONEBILL_TRUSTED_PROXIES); empty: the TCP peer is the client. A trusted peer is not
  // held to max_connections_per_address: its PROXY header's client is, once read.
  TrustedProxies trusted_proxies;
  // TLS termination: PEM certificate chain and private key; both empty: plain HTTP.
  std::string tls_certificate_file;
  std::string tls_private_key_file;

  // Reads the PHONEBILL_HTTP_* / PHONEBILL_* settings of docs/configuration.md.
  static ServerOptions from_environment(const Environment& environment, std::string service_name,
                                        std::uint16_t default_port);
};

}  // namespace phonebill::http
