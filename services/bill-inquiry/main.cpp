// bill-inquiry: bill inquiry, its cache and history (SPEC §5). Wiring only:
// configuration → pool, Redis, revocations, JWKS, verifier → KOS transport, resilience
// (with the fleet's KOS budget in Redis), client → cache (Redis, the near cache in front),
// history, fill lock → service → routes → server (+ metrics, shutdown flush); with
// PHONEBILL_MVNO_AP_URL, the outbox (events in the history transaction, the relay,
// breaker events, the re-drive route).
// The data-key ring (auth's, crypto/data_keys.hpp) seals history, cache values and event
// bodies; start-up checks it against the database, then the re-encryption pass runs.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <memory>

#include "bill_config.hpp"
#include "bill_data_key_pass.hpp"
#include "bill_kos_observer.hpp"
#include "bill_metrics.hpp"
#include "bill_service.hpp"
#include "cache/redis_budget_counter.hpp"
#include "cache/redis_client.hpp"
#include "cache/redis_fill_lock.hpp"
#include "core/log.hpp"
#include "crypto/data_keys.hpp"
#include "crypto/database_key_check.hpp"
#include "group_commit_writer.hpp"
#include "history/time_ordered_id.hpp"
#include "http/server.hpp"
#include "kos/http_kos_transport.hpp"
#include "kos/kos_metrics.hpp"
#include "outbox/circuit_events.hpp"
#include "outbox/outbox_relay.hpp"
#include "outbox/redeliver_route.hpp"
#include "pg_history_store.hpp"
#include "near_bill_cache.hpp"
#include "redis_bill_cache.hpp"
#include "routes.hpp"
#include "security/jwks_source.hpp"
#include "security/revocation_metrics.hpp"
#include "security/revocation_set.hpp"
#include "security/token_verifier.hpp"
#include "storage/migrations.hpp"
#include "storage/pg_pool.hpp"
#include "tracing/service_tracing.hpp"

namespace asio = boost::asio;
using phonebill::kos::KosOperation;
using namespace phonebill;
using namespace phonebill::bill;

namespace {

// /readyz (SPEC §2): the database, auth's keys and the prepared data must be there; Redis
// is optional (SPEC §5: an outage degrades to direct KOS calls); KOS's breaker is shown.
asio::awaitable<http::Readiness> check_readiness(storage::PgPool& pool, cache::RedisClient& redis,
                                                 security::HttpJwksSource& jwks,
                                                 kos::ResilientKosTransport& kos,
                                                 http::Server& server) {
  bool database_up = co_await pool.ping(phonebill::deadline_after(std::chrono::seconds{1}));
  http::Readiness readiness;
  readiness.checks["database"] = database_up ? "UP" : "DOWN";
  readiness.checks["redis"] = redis.is_connected() ? "UP" : "DEGRADED";
  readiness.checks["jwks"] = jwks.has_keys() ? "UP" : "DOWN";
  readiness.checks["kos"] =
      std::string{resilience::to_string(kos.breaker(KosOperation::kBillInquiry).state())};
  readiness.checks["data"] = server.prepared() ? "READY" : "PREPARING";
  readiness.ready = database_up && jwks.has_keys() && server.prepared();
  co_return readiness;
}

// Migrations, then the proof that the ring fits this database (a wrong or lost key stops
// the start here, before anything is read or sealed).
asio::awaitable<bool> prepare_database(storage::PgPool& pool, const BillConfig& config,
                                       const crypto::SealedColumns& sealed) {
  using namespace std::chrono_literals;
  if (!co_await storage::migrate_at_start(pool, config.migrations_directory, 60s)) co_return false;
  auto refused = co_await crypto::check_keys_against_database(pool, sealed.cipher(),
                                                              phonebill::deadline_after(60s));
  if (refused) log::error("data_keys_refused", {{"reason", *refused}});
  co_return !refused;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view{argv[1]} == "rotate-data-key")
    return crypto::rotate_data_key_command(Environment::from_process(), "bill-inquiry");
  if (argc != 1) {
    std::cerr << "bill-inquiry: unknown arguments (it takes none, or rotate-data-key)\n";
    return 2;
  }
  BillConfig config;
  try {
    config = BillConfig::load(Environment::from_process());
  } catch (const ConfigError& error) {
    std::cerr << "bill-inquiry: " << error.what() << '\n';
    return 2;
  }
  log::init("bill-inquiry", config.log_level);
  std::optional<crypto::KeyRing> data_keys;
  try {
    data_keys.emplace(crypto::load_data_keys(Environment::from_process(), config.secrets_directory,
                                             config.creates_data_keys));
  } catch (const crypto::DataKeyError& error) {
    log::error("data_keys_failed", {{"error", error.what()}});
    return 1;
  }
  crypto::SealedColumns sealed{*data_keys};

  asio::io_context io{config.server.io_threads};
  SystemClock clock;
  SystemRandom random;
  storage::PgPool pool{io, {config.database_url, config.database_pool_size}};
  PgHistoryStore::register_statements(pool);
  PgHistoryStore store{pool, sealed};
  GroupCommitWriter writer{io, store, config.history};
  outbox::OutboxStore outbox_store{pool, sealed};
  outbox::OutboxStore::register_statements(pool);  // the pass reseals its bodies too
  BillDataKeyPass::register_statements(pool);
  BillDataKeyPass data_key_pass{pool, sealed, outbox_store};
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
  RedisBillCache shared_bill_cache{redis, config.cache, clock, sealed};
  NearBillCache bill_cache{shared_bill_cache, config.near_cache, clock};
  cache::RedisFillLock fill_lock{redis, config.resilience.fleet_redis_timeout};
  BillService service{kos,
                      bill_cache,
                      writer,
                      store,
                      clock,
                      &history::new_time_ordered_id,
                      FleetCoalescing{&fill_lock, config.resilience.coalescing, {}, {}}};
  BillContext context{service, verifier};

  auto routes = make_routes(context);
  outbox::add_redeliver_route(routes, relay ? &outbox_store : nullptr, relay.get(), verifier);
  http::Server server{io, config.server, std::move(routes)};
  auto traces = phonebill::tracing::start_tracing(io, server);  // PHONEBILL_OTLP_ENDPOINT
  for (auto& family : security::revocation_families(listener)) server.metrics().add_scraped(family);
  BillMetrics metrics{server.metrics().registry()};
  kos::KosMetrics kos_metrics{
      server.metrics().registry(),
      {KosOperation::kBillInquiry, KosOperation::kAvailableMonths, KosOperation::kProductInquiry}};
  BillKosObserver kos_observer{kos_metrics, metrics};
  outbox::CircuitEventObserver circuit_events{
      io,          kos_observer,   outbox_store,
      relay.get(), "bill-inquiry", config.resilience.breaker.open_duration};
  if (relay)
    kos_resilient.set_observer(&circuit_events);
  else
    kos_resilient.set_observer(&kos_observer);
  service.set_metrics(&metrics, &kos_observer);
  for (auto& family : BillMetrics::history_families([&writer] { return writer.counters(); }))
    server.metrics().add_scraped(std::move(family));
  for (auto& family :
       BillMetrics::near_cache_families([&bill_cache] { return bill_cache.counters(); }))
    server.metrics().add_scraped(std::move(family));
  if (relay)
    for (auto& family : relay->families()) server.metrics().add_scraped(std::move(family));
  server.set_readiness_check([&]() -> asio::awaitable<http::Readiness> {
    co_return co_await check_readiness(pool, redis, jwks, kos_resilient, server);
  });
  server.set_shutdown_hook([&]() -> asio::awaitable<void> {
    co_await writer.stop();
    if (relay) co_await relay->stop();
  });

  server.prepare(prepare_database(pool, config, sealed), [&] {
    writer.start();
    if (relay) relay->start();
    asio::co_spawn(io, crypto::run_reseal_pass_until_done(data_key_pass.pass()), asio::detached);
  });
  jwks.start();
  return server.serve();
}
