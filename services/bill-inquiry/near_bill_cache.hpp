// The bill cache's in-process layer (issue 17 item 3): fresh bills the shared cache gave
// this instance, held for a few seconds so the hot lines' next hits skip the Redis round
// trip and the opening of the sealed value. Only fresh copies are held, never longer than
// they are fresh nor than NearCachePolicy::hold (which bounds how long an instance can
// disagree with Redis, e.g. after an operator dropped a key); stale copies, misses, errors,
// stores and the menu go to the shared cache every time, so every SPEC §5 rule (STALE_CACHE,
// the fleet's fill lock, a Redis outage → KOS) stays the shared cache's. A bill is the same
// bytes for a line and month until KOS is asked again, which happens only after it stops
// being fresh: a held copy answers exactly what Redis would. Entry points: NearBillCache,
// NearCachePolicy.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "bill_cache.hpp"

namespace phonebill::bill {

// PHONEBILL_BILL_NEAR_CACHE_MS and PHONEBILL_BILL_NEAR_CACHE_ENTRIES (bill_config.cpp).
struct NearCachePolicy {
  std::chrono::milliseconds hold{5'000};  // 0: off, every look-up asks the shared cache
  std::size_t entries = 8'192;            // at most this many bills held (~1.5 KB each)
};

// What /metrics shows of it (BillMetrics::near_cache_families).
struct NearCacheCounters {
  std::uint64_t hits = 0;  // look-ups answered from a held copy
  std::size_t held = 0;    // bills held now (expired ones until swept)
};

class NearBillCache final : public BillCache {
 public:
  // `shared` (the Redis cache) and `clock` must outlive this cache.
  NearBillCache(BillCache& shared, NearCachePolicy policy, const Clock& clock);
  ~NearBillCache() override;

  std::string fleet_key(const std::string& line_number, const BillingMonth& month) const override;
  boost::asio::awaitable<CacheRead> load(std::string line_number, BillingMonth month) override;
  boost::asio::awaitable<void> store(std::string line_number, BillingMonth month, ShownBill bill,
                                     bool current_month) override;
  boost::asio::awaitable<std::optional<BillMenu>> load_menu(std::string line_number,
                                                            BillingMonth month) override;
  boost::asio::awaitable<void> store_menu(BillMenu menu, BillingMonth month) override;

  std::size_t held() const;  // bills held now, expired ones until swept
  NearCacheCounters counters() const;

 private:
  struct Held;  // the table, behind a mutex: any io thread may look up

  // The held copy of the line's bill of `month` that is still good at `now`, if any.
  std::optional<CachedBill> find(const std::string& line_number, const BillingMonth& month,
                                 SystemTime now) const;
  void hold(const std::string& line_number, const BillingMonth& month, const CachedBill& copy,
            SystemTime now);

  BillCache& shared_;
  NearCachePolicy policy_;
  const Clock& clock_;
  std::unique_ptr<Held> held_;
};

}  // namespace phonebill::bill
