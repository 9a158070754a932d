// BillConfig::load: bill-inquiry's environment read and checked (see bill_config.hpp).
#include "bill_config.hpp"

namespace phonebill::bill {
namespace {

// Durations of these settings: at least 1 ms, at most 30 days.
constexpr std::chrono::milliseconds kShortest{1};
constexpr std::chrono::milliseconds kLongest{30LL * 86'400'000};

}  // namespace

BillConfig BillConfig::load(const Environment& environment) {
  auto duration = [&](const char* name, std::chrono::milliseconds fallback) {
    return environment.milliseconds(name, fallback, kShortest, kLongest);
  };
  BillConfig config;
  config.server = http::ServerOptions::from_environment(environment, "bill-inquiry", 8082);
  config.database_url = environment.required_string("PHONEBILL_DATABASE_URL");
  config.database_pool_size =
      std::size_t(environment.integer("PHONEBILL_DATABASE_POOL_SIZE", 8, 1, 256));
  config.migrations_directory = environment.string("PHONEBILL_MIGRATIONS_DIR", "db/bill");
  config.redis_url = environment.string("PHONEBILL_REDIS_URL", config.redis_url);
  config.log_level = environment.string("PHONEBILL_LOG_LEVEL", "info");
  config.secrets_directory = environment.string("PHONEBILL_SECRETS_DIR", ".run/secrets");
  config.creates_data_keys = environment.string("PHONEBILL_ENVIRONMENT", "production") == "local";
  config.kos =
      kos::HttpKosOptions::from_base_url(environment.required_string("PHONEBILL_UPSTREAM_KOS_SIM"));
  config.resilience = kos::KosResilienceOptions::from_environment(environment);
  config.jwks = security::HttpJwksOptions::from_environment(environment);
  config.verifier = security::TokenVerifierOptions::from_environment(environment);

  auto& cache = config.cache;
  cache.closed_month_ttl = duration("PHONEBILL_BILL_CACHE_CLOSED_MONTH_MS", cache.closed_month_ttl);
  cache.current_month_ttl =
      duration("PHONEBILL_BILL_CACHE_CURRENT_MONTH_MS", cache.current_month_ttl);
  cache.stale_ttl = duration("PHONEBILL_BILL_CACHE_STALE_MS", cache.stale_ttl);
  cache.menu_ttl = environment.milliseconds("PHONEBILL_BILL_CACHE_MENU_MS", cache.menu_ttl,
                                            std::chrono::milliseconds{0}, kLongest);
  cache.redis_timeout = duration("PHONEBILL_BILL_REDIS_TIMEOUT_MS", cache.redis_timeout);
  auto& near = config.near_cache;
  near.hold = environment.milliseconds("PHONEBILL_BILL_NEAR_CACHE_MS", near.hold,
                                       std::chrono::milliseconds{0},
                                       std::chrono::milliseconds{600'000});
  near.entries = std::size_t(environment.integer("PHONEBILL_BILL_NEAR_CACHE_ENTRIES",
                                                 std::int64_t(near.entries), 0, 1'000'000));

  auto& history = config.history;
  history.max_batch = std::size_t(environment.integer("PHONEBILL_BILL_HISTORY_BATCH",
                                                      std::int64_t(history.max_batch), 1, 10'000));
  history.writers =
      int(environment.integer("PHONEBILL_BILL_HISTORY_WRITERS", history.writers, 1, 64));
  history.commit_timeout = duration("PHONEBILL_BILL_HISTORY_TIMEOUT_MS", history.commit_timeout);

  // Bill fetches in flight to KOS (never more than the KOS bulkhead admits), and how many
  // may queue for how long behind them.
  resilience::QueueingBulkheadOptions queue;
  queue.capacity =
      int(environment.integer("PHONEBILL_BILL_KOS_CONCURRENCY", queue.capacity, 1, 100'000));
  queue.max_waiting = std::size_t(environment.integer(
      "PHONEBILL_BILL_KOS_QUEUE", std::int64_t(queue.max_waiting), 0, 1'000'000));
  queue.max_wait = std::chrono::milliseconds{
      environment.integer("PHONEBILL_BILL_KOS_QUEUE_WAIT_MS", queue.max_wait.count(), 0, 600'000)};
  config.resilience.queues[kos::KosOperation::kBillInquiry] = queue;
  config.outbox = outbox::RelayOptions::from_environment(environment);
  return config;
}

}  // namespace phonebill::bill
