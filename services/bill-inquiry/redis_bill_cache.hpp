// The bill cache in Redis (SPEC §5), BillCache's production implementation. One key per
// line and month, `bill:v4:<line index>:<YYYYMM>`, holds the bill (its billInfo bytes as
// shown and their document key, cached_bill_value.hpp; the `bill:v3` and `bill:v2` copies
// of the binaries before are read when there is no v4 one) with the time it was cached
// and until when it is fresh (closed months 24 h, the current month 1 h); the key itself
// lives for the stale period (7 days) so the last good copy can be served while KOS is
// down. Every Redis error is a miss: a Redis outage only costs the short command
// deadline. The menu's KOS data of a line is kept under `bill:v2:menu:<line index>` for
// CachePolicy::menu_ttl, and only within the Seoul month it was fetched in (a new month
// brings a new bill). Personal data (SPEC §14): a key names its line by a blind index
// (base64url), never the number; every value is sealed with the Redis key as associated
// data, so a value copied under another key does not open. A value that does not open is
// a miss counted as a cache error (logged without the value), never shown.
// Entry points: RedisBillCache, CachePolicy.
#pragma once
#include <chrono>

#include "bill_cache.hpp"
#include "cached_bill_value.hpp"
#include "core/deadline.hpp"
#include "crypto/sealed_columns.hpp"

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

// A bill:v4 (or v3) value as Redis gave it for `key`, opened and decoded where it lies (issue 17:
// the hit path's only copy of the bill is the reply itself, which becomes the billInfo
// the answer embeds). Error: it does not open; nullopt: it opens but is not one of ours.
boost::system::result<std::optional<CachedBillValue>, crypto::OpenError> open_cached_bill(
    const crypto::SealedColumns& sealed, std::string_view key, std::string value);

class RedisBillCache final : public BillCache {
 public:
  // `redis`, `clock` and `sealed` (its key ring) must outlive the cache.
  RedisBillCache(cache::RedisClient& redis, CachePolicy policy, const Clock& clock,
                 const crypto::SealedColumns& sealed);

  std::string fleet_key(const std::string& line_number, const BillingMonth& month) const override;
  boost::asio::awaitable<CacheRead> load(std::string line_number, BillingMonth month) override;
  boost::asio::awaitable<void> store(std::string line_number, BillingMonth month, ShownBill bill,
                                     bool current_month) override;
  boost::asio::awaitable<std::optional<BillMenu>> load_menu(std::string line_number,
                                                            BillingMonth month) override;
  boost::asio::awaitable<void> store_menu(BillMenu menu, BillingMonth month) override;

 private:
  Deadline redis_deadline() const;
  std::string versioned_key(std::string_view prefix, const std::string& line_number,
                            const BillingMonth& month) const;
  std::string key_of(const std::string& line_number, const BillingMonth& month) const;  // v4
  // A bill:v4 or v3 value under `key` as a cache read (a refused value is a cache error).
  CacheRead read_of(const std::string& key, std::string value) const;
  std::string v2_key_of(const std::string& line_number, const BillingMonth& month) const;
  // The copy the binary before bill:v3 cached (read only).
  boost::asio::awaitable<CacheRead> load_v2(const std::string& line_number,
                                            const BillingMonth& month);
  std::string menu_key_of(const std::string& line_number) const;
  // The value under `key` opened; nullopt (logged) when it does not open.
  std::optional<std::string> open(const std::string& key, std::string_view value) const;

  cache::RedisClient& redis_;
  CachePolicy policy_;
  const Clock& clock_;
  const crypto::SealedColumns& sealed_;
};

}  // namespace phonebill::bill
