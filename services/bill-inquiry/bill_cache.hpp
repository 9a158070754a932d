// Cache-aside storage of KOS bills in Redis (SPEC §5). One key per line and month,
// `bill:v1:<line>:<YYYYMM>`, holding the bill with the time it was cached and until
// when it is fresh (closed months 24 h, the current month 1 h); the key itself lives
// for the stale period (7 days) so the last good copy can be served while KOS is down.
// Every Redis error is a miss: a Redis outage only costs the short command deadline.
// The menu's KOS data (customer and available months of a line) is cached too, under
// `bill:v1:menu:<line>`, for PHONEBILL_BILL_CACHE_MENU_MS (1 h) and only within the
// Seoul month it was fetched in (a new month brings a new bill).
// Entry points: BillCache::load, BillCache::store, load_menu, store_menu.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "bill_config.hpp"
#include "cache/redis_client.hpp"
#include "core/clock.hpp"
#include "kos/wire.hpp"

namespace phonebill::bill {

struct CachedBill {
  kos::Bill bill;
  SystemTime cached_at;
  bool fresh = false;  // false: only good for STALE_CACHE
};

enum class CacheLookup { kHit, kStale, kMiss, kError };

class BillCache {
 public:
  // `redis` and `clock` must outlive the cache.
  BillCache(cache::RedisClient& redis, CachePolicy policy, const Clock& clock);

  static std::string key(const std::string& line_number, const BillingMonth& month);

  // The cached copy (fresh or stale), or nullopt on a miss or a Redis error; `lookup`
  // says which.
  boost::asio::awaitable<std::optional<CachedBill>> load(std::string line_number,
                                                         BillingMonth month, CacheLookup& lookup);
  // Stores `bill` as fresh for its month's TTL (`current_month`: 1 h, else 24 h). A
  // failure is logged at debug level and otherwise ignored.
  boost::asio::awaitable<bool> store(const kos::Bill& bill, bool current_month);

  // The menu data cached for `line_number` in `month` (the current Seoul month), or
  // nullopt (miss, expired, another month, Redis error).
  boost::asio::awaitable<std::optional<boost::json::object>> load_menu(std::string line_number,
                                                                       BillingMonth month);
  boost::asio::awaitable<bool> store_menu(std::string line_number, BillingMonth month,
                                          boost::json::object menu);

 private:
  cache::RedisClient& redis_;
  CachePolicy policy_;
  const Clock& clock_;
};

}  // namespace phonebill::bill
