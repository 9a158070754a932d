// bill-inquiry: bill inquiry, its cache and history (SPEC §5). Wiring only:
// configuration → pool, Redis, revocations, JWKS, verifier → KOS transport, resilience,
// client → cache, history → service → routes → server (+ metrics, shutdown flush).
#include <boost/asio/io_context.hpp>

#include <iostream>

#include "bill_cache.hpp"
#include "bill_config.hpp"
#include "bill_metrics.hpp"
#include "bill_service.hpp"
#include "cache/redis_client.hpp"
#include "core/log.hpp"
#include "kos/kos_metrics.hpp"
#include "routes.hpp"
#include "security/revocation_set.hpp"
#include "storage/migrations.hpp"
#include "storage/pg_pool.hpp"

namespace asio = boost::asio;
using phonebill::kos::KosOperation;
using namespace phonebill;
using namespace phonebill::bill;

int main() {
  BillConfig config;
  try {
    config = BillConfig::load(Environment::from_process());
  } catch (const ConfigError& error) {
    std::cerr << "bill-inquiry: " << error.what() << '\n';
    return 2;
  }
  log::init("bill-inquiry", config.log_level);

  asio::io_context io{config.server.io_threads};
  SystemClock clock;
  SystemRandom random;
  storage::PgPool pool{io, {config.database_url, config.database_pool_size}};
  HistoryStore::register_statements(pool);
  HistoryStore store{pool};
  HistoryWriter writer{io, store, config.history};

  cache::RedisClient redis{io, config.redis_url};
  security::RevocationSet revocations{clock};
  security::RevocationListener listener{io, config.redis_url, redis, revocations};
  security::HttpJwksSource jwks{io, config.jwks, clock};
  security::TokenVerifier verifier{jwks, config.verifier, clock, &revocations};

  kos::HttpKosTransport kos_http{io, config.kos, clock};
  kos::ResilientKosTransport kos_resilient{kos_http, config.resilience, clock, random};
  kos::KosClient kos{kos_resilient};
  BillCache bill_cache{redis, config.cache, clock};
  BillService service{kos,    bill_cache,
                      writer, store,
                      clock,  BillKosPolicy{config.kos_gate, config.resilience.inquiry_timeout}};
  service.set_circuit_state([&kos_resilient] {
    return std::string{
        resilience::to_string(kos_resilient.breaker(KosOperation::kBillInquiry).state())};
  });
  BillContext context{service, verifier};

  http::Server server{io, config.server, make_routes(context)};
  BillMetrics metrics{server.metrics().registry()};
  kos::KosMetrics kos_metrics{
      server.metrics().registry(),
      {KosOperation::kBillInquiry, KosOperation::kAvailableMonths, KosOperation::kProductInquiry}};
  kos_resilient.set_observer(&kos_metrics);
  service.set_kos_observer(&kos_metrics);
  service.set_metrics(&metrics);
  server.set_readiness_check([&]() -> asio::awaitable<http::Readiness> {
    bool database_up = co_await pool.ping(phonebill::deadline_after(std::chrono::seconds{1}));
    auto counters = writer.counters();
    metrics.history_flushed(counters.batches, counters.entries, counters.failed_entries);
    http::Readiness readiness;
    readiness.checks["database"] = database_up ? "UP" : "DOWN";
    readiness.checks["redis"] = redis.is_connected() ? "UP" : "DEGRADED";
    readiness.checks["jwks"] = jwks.has_keys() ? "UP" : "DOWN";
    readiness.checks["kos"] = std::string{
        resilience::to_string(kos_resilient.breaker(KosOperation::kBillInquiry).state())};
    readiness.checks["data"] = server.prepared() ? "READY" : "PREPARING";
    // Redis is optional (SPEC §5: an outage degrades to direct KOS calls).
    readiness.ready = database_up && jwks.has_keys() && server.prepared();
    co_return readiness;
  });
  server.set_shutdown_hook([&]() -> asio::awaitable<void> { co_await writer.stop(); });

  server.prepare(
      storage::migrate_at_start(pool, config.migrations_directory, std::chrono::seconds{60}),
      [&] { writer.start(); });
  jwks.start();
  return server.serve();
}
