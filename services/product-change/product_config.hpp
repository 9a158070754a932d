// product-change's settings: the common server, database and Redis variables, KOS's base
// URL (PHONEBILL_UPSTREAM_KOS_SIM), auth's JWKS (PHONEBILL_UPSTREAM_AUTH), the token and
// KOS resilience settings, and PHONEBILL_PRODUCT_* (cache TTLs, Redis deadline,
// reconciler, idempotency window), PHONEBILL_SECRETS_DIR and PHONEBILL_ENVIRONMENT (the
// data keys). Reference: docs/product-change.md. Entry: load.
#pragma once
#include <chrono>
#include <string>

#include "cache_policy.hpp"
#include "core/config.hpp"
#include "http/server_options.hpp"
#include "kos/http_kos_options.hpp"
#include "kos/resilient_kos_transport.hpp"
#include "outbox/relay_options.hpp"
#include "reconciler_policy.hpp"
#include "security/jwks_options.hpp"
#include "security/token_verifier_options.hpp"

namespace phonebill::product {

struct ProductConfig {
  http::ServerOptions server;
  std::string database_url;  // contains a password: never log it
  std::size_t database_pool_size = 8;
  std::string migrations_directory = "db/product";
  std::string redis_url = "redis://127.0.0.1:56379";
  std::string log_level = "info";
  // The data-key ring (docs/security.md "Data protection"): PHONEBILL_DATA_KEYS, else
  // $PHONEBILL_DATA_KEYS_DIR (default <secrets directory>/data-keys); only a local run
  // (PHONEBILL_ENVIRONMENT=local) creates one when there is none.
  std::string secrets_directory = ".run/secrets";
  bool local = false;
  kos::HttpKosOptions kos;
  kos::KosResilienceOptions resilience;
  security::HttpJwksOptions jwks;
  security::TokenVerifierOptions verifier;
  CachePolicy cache;
  ReconcilerPolicy reconciler;
  outbox::RelayOptions outbox;  // PHONEBILL_MVNO_AP_*, PHONEBILL_OUTBOX_* (docs/events.md)
  std::chrono::milliseconds idempotency_ttl{24 * 60 * 60 * 1000};

  // Throws ConfigError naming the bad variable.
  static ProductConfig load(const Environment& environment);
};

}  // namespace phonebill::product
