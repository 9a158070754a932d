// product-change: plan change, its cache, history and reconciliation (SPEC §6). Wiring
// only: configuration → data keys → pool, Redis, revocations, JWKS, verifier → KOS transport,
// resilience (with the fleet's KOS budget in Redis), client → cache, store, fill lock → service,
// reconciler → routes → server; with PHONEBILL_MVNO_AP_URL, the outbox (events in the
// settle's transaction, the relay, breaker events, the re-drive route).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string_view>

#include "cache/redis_budget_counter.hpp"
#include "cache/redis_client.hpp"
#include "cache/redis_fill_lock.hpp"
#include "change_seal_pass.hpp"
#include "core/log.hpp"
#include "crypto/data_keys.hpp"
#include "http/server.hpp"
#include "kos/http_kos_transport.hpp"
#include "kos/kos_metrics.hpp"
#include "outbox/circuit_events.hpp"
#include "outbox/outbox_relay.hpp"
#include "outbox/redeliver_route.hpp"
#include "pg_change_store.hpp"
#include "product_config.hpp"
#include "product_metrics.hpp"
#include "product_service.hpp"
#include "reconciler.hpp"
#include "redis_product_cache.hpp"
#include "routes.hpp"
#include "sealed_changes.hpp"
#include "security/jwks_source.hpp"
#include "security/revocation_metrics.hpp"
#include "security/revocation_set.hpp"
#include "security/token_verifier.hpp"
#include "startup.hpp"
#include "storage/pg_pool.hpp"
#include "tracing/service_tracing.hpp"

namespace asio = boost::asio;
using phonebill::kos::KosOperation;
using namespace phonebill;
using namespace phonebill::product;

int main(int argc, char** argv) {
  const auto environment = Environment::from_process();
  // `product-change rotate-data-key`: the shared ring's rotation (docs/security.md).
  if (argc == 2 && std::string_view{argv[1]} == "rotate-data-key")
    return crypto::rotate_data_key_command(environment, "product-change");
  ProductConfig config;
  try {
    config = ProductConfig::load(environment);
  } catch (const ConfigError& error) {
    std::cerr << "product-change: " << error.what() << '\n';
    return 2;
  }
  log::init("product-change", config.log_level);
  std::optional<crypto::KeyRing> data_keys;
  try {
    data_keys.emplace(
        crypto::load_data_keys(environment, config.secrets_directory, /*may_create=*/config.local));
  } catch (const crypto::DataKeyError& error) {
    log::error("data_keys_failed", {{"error", error.what()}});
    log::flush();
    return 2;
  }
  SealedChanges sealed{*data_keys};

  asio::io_context io{config.server.io_threads};
  SystemClock clock;
  SystemRandom random;
  storage::PgPool pool{io, {config.database_url, config.database_pool_size}};
  PgChangeStore::register_statements(pool);
  ChangeSealPass::register_statements(pool);
  PgChangeStore store{pool, sealed};
  // Event bodies sealed at rest (db/product/007); the pass seals the older ones too, so
  // its statements are registered even with the outbox off.
  outbox::OutboxStore outbox_store{pool, sealed.columns()};
  outbox::OutboxStore::register_statements(pool);
  ChangeSealPass seal_pass{pool, sealed, outbox_store.reseal_table()};
  std::unique_ptr<outbox::OutboxRelay> relay;
  if (config.outbox.enabled()) {
    relay = std::make_unique<outbox::OutboxRelay>(io, outbox_store, config.outbox, clock, random);
    store.write_events([relay = relay.get()] { relay->notify(); });
  }

  cache::RedisOptions redis_options;
  redis_options.one_io_thread = config.server.io_threads == 1;
  cache::RedisClient redis{io, config.redis_url, redis_options};
  security::RevocationSet revocations{clock};
  security::RevocationListener listener{io, config.redis_url, redis, revocations};
  security::HttpJwksSource jwks{io, config.jwks, clock};
  security::TokenVerifier verifier{jwks, config.verifier, clock, &revocations};

  kos::HttpKosTransport kos_http{io, config.kos, clock};
  kos::ResilientKosTransport kos_resilient{kos_http, config.resilience, clock, random};
  cache::RedisBudgetCounter kos_budget{redis, config.resilience.fleet_redis_timeout};
  kos_resilient.set_budget_counter(&kos_budget);
  kos::KosClient kos{kos_resilient};
  RedisProductCache product_cache{redis, config.cache, clock, *data_keys};
  cache::RedisFillLock fill_lock{redis, config.resilience.fleet_redis_timeout};
  ProductService service{
      kos,
      product_cache,
      store,
      clock,
      config.idempotency_ttl,
      resilience::FleetCoalescing{&fill_lock, config.resilience.coalescing, {}, {}}};
  ProductContext context{service, verifier};

  auto routes = make_routes(context);
  outbox::add_redeliver_route(routes, relay ? &outbox_store : nullptr, relay.get(), verifier);
  http::Server server{io, config.server, std::move(routes)};
  auto traces = phonebill::tracing::start_tracing(io, server);  // PHONEBILL_OTLP_ENDPOINT
  for (auto& family : security::revocation_families(listener)) server.metrics().add_scraped(family);
  ProductMetrics metrics{server.metrics().registry()};
  kos::KosMetrics kos_metrics{server.metrics().registry(),
                              {KosOperation::kProductInquiry, KosOperation::kProductList,
                               KosOperation::kProductChange, KosOperation::kOrderLookup}};
  outbox::CircuitEventObserver circuit_events{
      io,          kos_metrics,      outbox_store,
      relay.get(), "product-change", config.resilience.breaker.open_duration};
  if (relay)
    kos_resilient.set_observer(&circuit_events);
  else
    kos_resilient.set_observer(&kos_metrics);
  if (relay)
    for (auto& family : relay->families()) server.metrics().add_scraped(std::move(family));
  service.set_metrics(&metrics, &kos_metrics);
  Reconciler reconciler{io, store, kos, service, clock, config.reconciler, &metrics};
  server.set_readiness_check([&]() -> asio::awaitable<http::Readiness> {
    bool database_up = co_await pool.ping(phonebill::deadline_after(std::chrono::seconds{1}));
    http::Readiness readiness;
    readiness.checks["database"] = database_up ? "UP" : "DOWN";
    readiness.checks["redis"] = redis.is_connected() ? "UP" : "DEGRADED";
    readiness.checks["jwks"] = jwks.has_keys() ? "UP" : "DOWN";
    readiness.checks["kos"] = std::string{
        resilience::to_string(kos_resilient.breaker(KosOperation::kProductChange).state())};
    readiness.checks["data"] = server.prepared() ? "READY" : "PREPARING";
    // Redis is optional (an outage degrades to direct KOS calls).
    readiness.ready = database_up && jwks.has_keys() && server.prepared();
    co_return readiness;
  });
  server.set_shutdown_hook([&]() -> asio::awaitable<void> {
    co_await reconciler.stop();
    if (relay) co_await relay->stop();
  });

  // Reconciler's start-up pass first: changes a crash left behind settle at once.
  server.prepare(prepare_service(pool, service, config, sealed.cipher()), [&] {
    reconciler.start();
    asio::co_spawn(io, run_change_seal_pass(seal_pass), asio::detached);
    if (relay) relay->start();
  });
  jwks.start();
  return server.serve();
}
