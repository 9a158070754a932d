// The bill cache in Redis (SPEC §5), BillCache's production implementation. One key per
// line and month, `bill:v1:<line>:<YYYYMM>`, holds the bill with the time it was cached
// and until when it is fresh (closed months 24 h, the current month 1 h); the key itself
// lives for the stale period (7 days) so the last good copy can be served while KOS is
// down. Every Redis error is a miss: a Redis outage only costs the short command
// deadline. The menu's KOS data of a line is kept under `bill:v1:menu:<line>` for
// CachePolicy::menu_ttl, and only within the Seoul month it was fetched in (a new month
// brings a new bill). Entry points: RedisBillCache, CachePolicy.
#pragma once
#include <chrono>

#include "bill_cache.hpp"
#include "core/deadline.hpp"

namespace phonebill::cache {
class RedisClient;
}

namespace phonebill::bill {

// PHONEBILL_BILL_CACHE_* and PHONEBILL_BILL_REDIS_TIMEOUT_MS (bill_config.cpp).
struct CachePolicy {
  std::chrono::milliseconds closed_month_ttl{24 * 60 * 60 * 1000};  // fresh for 24 h
  std::chrono::milliseconds current_month_ttl{60 * 60 * 1000};      // fresh for 1 h
  std::chrono::milliseconds stale_ttl{7 * 24 * 60 * 60 * 1000};     // last good copy kept
  std::chrono::milliseconds menu_ttl{60 * 60 * 1000};  // menu's customer + months; 0: off
  std::chrono::milliseconds redis_timeout{250};  // per Redis command (see docs/bill-inquiry.md)
};

class RedisBillCache final : public BillCache {
 public:
  // `redis` and `clock` must outlive the cache.
  RedisBillCache(cache::RedisClient& redis, CachePolicy policy, const Clock& clock);

  boost::asio::awaitable<CacheRead> load(std::string line_number, BillingMonth month) override;
  boost::asio::awaitable<void> store(kos::Bill bill, bool current_month) override;
  boost::asio::awaitable<std::optional<BillMenu>> load_menu(std::string line_number,
                                                            BillingMonth month) override;
  boost::asio::awaitable<void> store_menu(BillMenu menu, BillingMonth month) override;

 private:
  Deadline redis_deadline() const;

  cache::RedisClient& redis_;
  CachePolicy policy_;
  const Clock& clock_;
};

}  // namespace phonebill::bill
