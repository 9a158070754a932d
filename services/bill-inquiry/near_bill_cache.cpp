// NearBillCache: the bill cache's in-process layer (see near_bill_cache.hpp). One table
// from (line, month) to the held copy and until when it answers. Full, it first drops
// every expired copy (at most once per quarter of the hold, so a table full of live
// copies is not scanned on every insert), then an arbitrary one (a hot line comes back
// on its next hit).
#include "near_bill_cache.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace phonebill::bill {
struct NearBillCache::Held {
  struct Key {
    std::string line_number;  // normalised, 10–11 digits: no allocation (short string)
    BillingMonth month;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const noexcept {
      auto months = std::size_t(key.month.year * 12 + key.month.month);
      return std::hash<std::string>{}(key.line_number) ^ (months * 0x9e3779b97f4a7c15ULL);
    }
  };
  struct Bill {
    CachedBill copy;
    SystemTime until;  // the earlier of its freshness and the policy's hold
  };

  mutable std::mutex mutex;
  std::unordered_map<Key, Bill, KeyHash> bills;
  SystemTime swept{};      // when expired copies were last dropped
  std::uint64_t hits = 0;  // under the mutex: it is taken for every hit anyway
};

NearBillCache::NearBillCache(BillCache& shared, NearCachePolicy policy, const Clock& clock)
    : shared_(shared), policy_(policy), clock_(clock), held_(std::make_unique<Held>()) {}

NearBillCache::~NearBillCache() = default;

std::string NearBillCache::fleet_key(const std::string& line_number,
                                     const BillingMonth& month) const {
  return shared_.fleet_key(line_number, month);
}

boost::asio::awaitable<CacheRead> NearBillCache::load(std::string line_number,
                                                      BillingMonth month) {
  if (policy_.hold.count() <= 0) co_return co_await shared_.load(std::move(line_number), month);
  if (auto copy = find(line_number, month, clock_.now()))
    co_return CacheRead{std::move(copy), cache::CacheLookup::kHit};
  auto read = co_await shared_.load(line_number, month);
  if (read.copy && read.copy->fresh && read.copy->fresh_until)
    hold(line_number, month, *read.copy, clock_.now());
  co_return read;
}

std::optional<CachedBill> NearBillCache::find(const std::string& line_number,
                                              const BillingMonth& month, SystemTime now) const {
  std::lock_guard lock{held_->mutex};
  auto found = held_->bills.find(Held::Key{line_number, month});
  if (found == held_->bills.end() || now >= found->second.until) return std::nullopt;
  ++held_->hits;
  return found->second.copy;
}

void NearBillCache::hold(const std::string& line_number, const BillingMonth& month,
                         const CachedBill& copy, SystemTime now) {
  auto until = std::min(*copy.fresh_until, now + policy_.hold);
  if (now >= until || policy_.entries == 0) return;
  std::lock_guard lock{held_->mutex};
  auto& bills = held_->bills;
  Held::Key key{line_number, month};
  if (auto found = bills.find(key); found != bills.end()) {
    found->second = Held::Bill{copy, until};
    return;
  }
  if (bills.size() >= policy_.entries && now - held_->swept >= policy_.hold / 4) {
    std::erase_if(bills, [now](const auto& entry) { return now >= entry.second.until; });
    held_->swept = now;
  }
  if (bills.size() >= policy_.entries) bills.erase(bills.begin());
  bills.emplace(std::move(key), Held::Bill{copy, until});
}

std::size_t NearBillCache::held() const {
  std::lock_guard lock{held_->mutex};
  return held_->bills.size();
}

NearCacheCounters NearBillCache::counters() const {
  std::lock_guard lock{held_->mutex};
  return NearCacheCounters{held_->hits, held_->bills.size()};
}

// A new copy comes from KOS only after the held one stopped being fresh, but the old one
// is dropped anyway: the next look-up reads what the shared cache now holds.
boost::asio::awaitable<void> NearBillCache::store(std::string line_number, BillingMonth month,
                                                  ShownBill bill, bool current_month) {
  {
    std::lock_guard lock{held_->mutex};
    held_->bills.erase(Held::Key{line_number, month});
  }
  co_await shared_.store(std::move(line_number), month, std::move(bill), current_month);
}

boost::asio::awaitable<std::optional<BillMenu>> NearBillCache::load_menu(std::string line_number,
                                                                         BillingMonth month) {
  co_return co_await shared_.load_menu(std::move(line_number), month);
}

boost::asio::awaitable<void> NearBillCache::store_menu(BillMenu menu, BillingMonth month) {
  co_await shared_.store_menu(std::move(menu), month);
}

}  // namespace phonebill::bill
