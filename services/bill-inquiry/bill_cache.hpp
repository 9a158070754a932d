// The bill cache as the domain sees it (SPEC §5 cache-aside): a line's bill of a month —
// fresh, or stale but kept to answer when KOS cannot — and the menu's KOS data of a line
// in a month. A cache that fails answers like a miss (kError), never fails the request.
// RedisBillCache (redis_bill_cache.hpp) is the Redis implementation; the unit tests use
// an in-memory one. Entry points: BillCache, bill_key.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "bill_values.hpp"
#include "cache/cache_lookup.hpp"
#include "core/clock.hpp"
#include "kos/wire.hpp"

namespace phonebill::bill {

struct CachedBill {
  ShownBill bill;
  SystemTime cached_at;
  bool fresh = false;  // false: only good for STALE_CACHE
  // When the copy stops being fresh, where the cache knows it (the near cache holds a
  // fresh copy no longer than this).
  std::optional<SystemTime> fresh_until;
};

struct CacheRead {
  std::optional<CachedBill> copy;  // none on a miss or an error
  cache::CacheLookup lookup = cache::CacheLookup::kMiss;
};

// One key per line and month: concurrent misses of it make one KOS call.
std::string bill_key(const std::string& line_number, const BillingMonth& month);

class BillCache {
 public:
  virtual ~BillCache() = default;
  // The name concurrent misses of this line and month share across the fleet (the fill
  // lock's key): bill_key by default; a shared store names it as it names the bill.
  virtual std::string fleet_key(const std::string& line_number, const BillingMonth& month) const {
    return bill_key(line_number, month);
  }
  virtual boost::asio::awaitable<CacheRead> load(std::string line_number, BillingMonth month) = 0;
  // Keeps `bill`, the line's bill of `month`, fresh for its month's time (`current_month`:
  // shorter) and stale longer.
  virtual boost::asio::awaitable<void> store(std::string line_number, BillingMonth month,
                                             ShownBill bill, bool current_month) = 0;
  // The menu cached for `line_number` in `month` (the current Seoul month), if any.
  virtual boost::asio::awaitable<std::optional<BillMenu>> load_menu(std::string line_number,
                                                                    BillingMonth month) = 0;
  virtual boost::asio::awaitable<void> store_menu(BillMenu menu, BillingMonth month) = 0;
};

}  // namespace phonebill::bill
