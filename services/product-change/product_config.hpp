// product-change's settings: the common server, database and Redis variables, KOS's base
// URL (PHONEBILL_UPSTREAM_KOS_SIM), auth's JWKS (PHONEBILL_UPSTREAM_AUTH), the token and
// KOS resilience settings, and PHONEBILL_PRODUCT_* (cache TTLs, Redis deadline,
// reconciler, idempotency window). Reference: docs/product-change.md. Entry: load.
#pragma once
#include <chrono>
#include <string>

#include "core/config.hpp"
#include "http/server.hpp"
#include "kos/http_kos_transport.hpp"
#include "kos/resilient_kos_transport.hpp"
#include "security/jwks_source.hpp"
#include "security/token_verifier.hpp"

namespace phonebill::product {

struct CachePolicy {
  std::chrono::milliseconds catalogue_ttl{24 * 60 * 60 * 1000};  // SPEC §6: 24 h
  std::chrono::milliseconds line_ttl{4 * 60 * 60 * 1000};        // customer + plan: 4 h
  std::chrono::milliseconds status_ttl{30 * 60 * 1000};          // line status: 30 min
  std::chrono::milliseconds redis_timeout{100};  // per command: an outage costs little
};

struct ReconcilerPolicy {
  std::chrono::milliseconds interval{15'000};     // between passes (SPEC: settle within a minute)
  std::chrono::milliseconds stale_after{30'000};  // a REQUESTED record older than this is orphaned
  int batch = 50;                                 // records claimed per pass, at most
  int concurrency = 8;                            // records settled at once (KOS calls in flight)
  // How long a claimed record is left to its claimer before another pass may take it
  // (a claimer that died). Longer than one record's work: an order lookup plus a
  // repeated change, each bounded by its KOS deadline (10 s), and two short writes.
  std::chrono::milliseconds lease{60'000};
};

struct ProductConfig {
  http::ServerOptions server;
  std::string database_url;  // contains a password: never log it
  std::size_t database_pool_size = 8;
  std::string migrations_directory = "db/product";
  std::string redis_url = "redis://127.0.0.1:56379";
  std::string log_level = "info";
  kos::HttpKosOptions kos;
  kos::KosResilienceOptions resilience;
  security::HttpJwksOptions jwks;
  security::TokenVerifierOptions verifier;
  CachePolicy cache;
  ReconcilerPolicy reconciler;
  std::chrono::milliseconds idempotency_ttl{24 * 60 * 60 * 1000};

  // Throws ConfigError naming the bad variable.
  static ProductConfig load(const Environment& environment);
};

}  // namespace phonebill::product
