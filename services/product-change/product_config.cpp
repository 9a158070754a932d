// product-change's settings read from the environment and checked: see product_config.hpp.
#include "product_config.hpp"

namespace phonebill::product {
namespace {

// Durations of these settings: at least 1 ms, at most 30 days.
constexpr std::chrono::milliseconds kShortest{1};
constexpr std::chrono::milliseconds kLongest{30LL * 86'400'000};

}  // namespace

ProductConfig ProductConfig::load(const Environment& environment) {
  auto duration = [&](const char* name, std::chrono::milliseconds fallback) {
    return environment.milliseconds(name, fallback, kShortest, kLongest);
  };
  ProductConfig config;
  config.server = http::ServerOptions::from_environment(environment, "product-change", 8083);
  config.database_url = environment.required_string("PHONEBILL_DATABASE_URL");
  config.database_pool_size =
      std::size_t(environment.integer("PHONEBILL_DATABASE_POOL_SIZE", 8, 1, 256));
  config.migrations_directory = environment.string("PHONEBILL_MIGRATIONS_DIR", "db/product");
  config.redis_url = environment.string("PHONEBILL_REDIS_URL", config.redis_url);
  config.log_level = environment.string("PHONEBILL_LOG_LEVEL", "info");
  config.secrets_directory = environment.string("PHONEBILL_SECRETS_DIR", ".run/secrets");
  const auto deployment = environment.string("PHONEBILL_ENVIRONMENT", "production");
  if (deployment != "local" && deployment != "production")
    throw ConfigError{"PHONEBILL_ENVIRONMENT must be local or production"};
  config.local = deployment == "local";
  config.kos =
      kos::HttpKosOptions::from_base_url(environment.required_string("PHONEBILL_UPSTREAM_KOS_SIM"));
  config.resilience = kos::KosResilienceOptions::from_environment(environment);
  config.jwks = security::HttpJwksOptions::from_environment(environment);
  config.verifier = security::TokenVerifierOptions::from_environment(environment);

  auto& cache = config.cache;
  cache.catalogue_ttl = duration("PHONEBILL_PRODUCT_CACHE_CATALOGUE_MS", cache.catalogue_ttl);
  cache.line_ttl = duration("PHONEBILL_PRODUCT_CACHE_LINE_MS", cache.line_ttl);
  cache.status_ttl = duration("PHONEBILL_PRODUCT_CACHE_STATUS_MS", cache.status_ttl);
  cache.redis_timeout = duration("PHONEBILL_PRODUCT_REDIS_TIMEOUT_MS", cache.redis_timeout);

  auto& reconciler = config.reconciler;
  reconciler.interval = duration("PHONEBILL_PRODUCT_RECONCILE_INTERVAL_MS", reconciler.interval);
  reconciler.stale_after = duration("PHONEBILL_PRODUCT_RECONCILE_STALE_MS", reconciler.stale_after);
  reconciler.batch =
      int(environment.integer("PHONEBILL_PRODUCT_RECONCILE_BATCH", reconciler.batch, 1, 1000));
  reconciler.concurrency = int(environment.integer("PHONEBILL_PRODUCT_RECONCILE_CONCURRENCY",
                                                   reconciler.concurrency, 1, 64));
  reconciler.lease = duration("PHONEBILL_PRODUCT_RECONCILE_LEASE_MS", reconciler.lease);
  config.outbox = outbox::RelayOptions::from_environment(environment);
  config.idempotency_ttl = duration("PHONEBILL_PRODUCT_IDEMPOTENCY_TTL_MS", config.idempotency_ttl);
  // A REQUESTED record must not look orphaned while its own request may still be
  // waiting for KOS (change budget plus the pre-check's inquiries).
  auto busiest = config.resilience.change_timeout + 2 * config.resilience.inquiry_timeout;
  if (reconciler.stale_after < busiest)
    throw ConfigError{
        "PHONEBILL_PRODUCT_RECONCILE_STALE_MS must be at least the KOS change "
        "timeout plus two inquiry timeouts (" +
        std::to_string(busiest.count()) + " ms)"};
  if (reconciler.lease < std::chrono::seconds{25})
    throw ConfigError{
        "PHONEBILL_PRODUCT_RECONCILE_LEASE_MS must be at least 25000 (one "
        "record's order lookup and repeated change, 10 s each, plus writes)"};
  return config;
}

}  // namespace phonebill::product
