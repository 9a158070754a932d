// The gateway's settings (SPEC §4): the common server variables plus PHONEBILL_GATEWAY_*,
// the upstream lists PHONEBILL_UPSTREAM_<SERVICE>, the token settings shared with every
// verifier and the JWKS ones. Reference: docs/gateway.md, docs/configuration.md.
// Entry point: GatewayConfig::load.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base_url.hpp"
#include "core/config.hpp"
#include "http/server_options.hpp"
#include "resilience/circuit_breaker.hpp"
#include "security/jwks_options.hpp"
#include "security/token_verifier_options.hpp"

namespace phonebill::gateway {

// host:port of one upstream instance, parsed from a base URL "http://host[:port]".
struct InstanceAddress {
  std::string host;  // an IPv6 address without brackets
  std::uint16_t port = 80;
  std::string label() const { return authority(host, port); }  // "[::1]:8081" for IPv6
  bool operator==(const InstanceAddress&) const = default;
};

// Parses a comma-separated list of http:// base URLs (blanks allowed around commas;
// IPv6 literals in brackets). Throws ConfigError naming `variable` for anything else
// (https, paths, bad ports).
std::vector<InstanceAddress> parse_instance_list(const std::string& variable,
                                                 const std::string& text);

struct UpstreamSettings {
  std::string name;  // "auth", "bill-inquiry", "product-change"
  std::vector<InstanceAddress> instances;
  std::chrono::milliseconds timeout{10'000};  // per request, → 504 UPSTREAM_TIMEOUT
};

struct HealthSettings {
  std::chrono::milliseconds interval{2'000};  // active /readyz checks
  std::chrono::milliseconds timeout{1'000};
  int failures_to_mark_down = 2;      // consecutive failed checks
  int passive_failures_to_eject = 3;  // consecutive failed requests
  std::chrono::milliseconds ejection_time{5'000};
  std::size_t max_idle_connections = 1024;  // keep-alive pool per instance
};

struct BucketSettings {
  double per_second = 0;  // refill rate; 0 disables this limit
  double burst = 0;       // bucket size
};

struct RateLimitSettings {
  BucketSettings per_ip{50, 100};
  BucketSettings per_user{20, 40};
  BucketSettings login_per_ip{0.2, 10};  // 10 at once, then one every 5 s
  // Refresh has its own bucket: it proves possession of a 256-bit token (nothing to guess)
  // and every signed-in user sends one each 30 minutes, so a carrier NAT with thousands of
  // users behind one address needs far more than the login bucket's one per 5 s.
  BucketSettings refresh_per_ip{10, 200};
  std::size_t max_tracked_keys = 100'000;
};

struct TlsSettings {
  std::string certificate_file;  // PEM chain; both empty: plain HTTP
  std::string private_key_file;
  bool enabled() const { return !certificate_file.empty(); }
};

struct GatewayConfig {
  http::ServerOptions server;
  std::uint16_t admin_port = 9080;
  std::string admin_address = "127.0.0.1";
  std::string web_directory = "web/dist";
  std::string openapi_file = "docs/openapi.yaml";
  std::string swagger_ui_directory;  // empty: beside the binary (see docs/gateway.md)
  std::string redis_url = "redis://127.0.0.1:56379";
  std::string log_level = "info";
  std::vector<UpstreamSettings> upstreams;       // auth, bill-inquiry, product-change
  std::vector<InstanceAddress> metrics_sources;  // services whose /metrics ops/status reads
  HealthSettings health;
  resilience::CircuitBreakerOptions breaker{5, std::chrono::milliseconds{10'000}, 3};
  RateLimitSettings rate_limits;
  std::vector<std::string> cors_origins;  // exact origins, e.g. "https://app.example"
  TlsSettings tls;
  security::TokenVerifierOptions verifier;
  security::HttpJwksOptions jwks;

  const UpstreamSettings* upstream(const std::string& name) const;

  // Throws ConfigError naming the bad variable.
  static GatewayConfig load(const Environment& environment);
};

}  // namespace phonebill::gateway
