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

#include "core/config.hpp"
#include "http/server_options.hpp"
#include "rate_limit_sync.hpp"
#include "rate_limiter.hpp"
#include "resilience/circuit_breaker.hpp"
#include "security/jwks_options.hpp"
#include "security/token_verifier_options.hpp"
#include "upstream_settings.hpp"

namespace phonebill::gateway {

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
  RateSharingSettings rate_sharing;       // the limits shared with the other gateways (Redis)
  std::vector<std::string> cors_origins;  // exact origins, e.g. "https://app.example"
  TlsSettings tls;
  security::TokenVerifierOptions verifier;
  security::HttpJwksOptions jwks;

  const UpstreamSettings* upstream(const std::string& name) const;

  // Throws ConfigError naming the bad variable.
  static GatewayConfig load(const Environment& environment);
};

}  // namespace phonebill::gateway
