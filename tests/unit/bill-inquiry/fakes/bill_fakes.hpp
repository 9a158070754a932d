// In-memory stand-ins for where I/O enters bill-inquiry's domain (STYLE §8): the bill
// cache, the history writer and store, and a KOS that takes its time — so the unit tests
// drive BillService in-process on a ManualClock. Each fake can be told to fail.
#pragma once
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <vector>

#include "bill_cache.hpp"
#include "bill_views.hpp"
#include "history_store.hpp"
#include "history_writer.hpp"
#include "kos/kos_client.hpp"

namespace phonebill::bill::fakes {

class FakeBillCache final : public BillCache {
 public:
  explicit FakeBillCache(const Clock& clock) : clock_(clock) {}

  boost::asio::awaitable<CacheRead> load(std::string line_number, BillingMonth month) override {
    ++loads;
    if (down) co_return CacheRead{std::nullopt, cache::CacheLookup::kError};
    auto found = bills.find(bill_key(line_number, month));
    if (found == bills.end()) co_return CacheRead{};
    auto lookup = found->second.fresh ? cache::CacheLookup::kHit : cache::CacheLookup::kStale;
    co_return CacheRead{found->second, lookup};
  }
  boost::asio::awaitable<void> store(std::string line_number, BillingMonth month, ShownBill bill,
                                     bool current_month) override {
    ++stores;
    stored_current_month = current_month;
    auto fresh_for = current_month ? std::chrono::hours{1} : std::chrono::hours{24};
    bills[bill_key(line_number, month)] =
        CachedBill{std::move(bill), clock_.now(), true, clock_.now() + fresh_for};
    co_return;
  }
  boost::asio::awaitable<std::optional<BillMenu>> load_menu(std::string line_number,
                                                            BillingMonth month) override {
    auto found = menus.find(line_number + ":" + month.kos_form());
    if (found == menus.end()) co_return std::nullopt;
    co_return found->second;
  }
  boost::asio::awaitable<void> store_menu(BillMenu menu, BillingMonth month) override {
    menus[menu.line_number + ":" + month.kos_form()] = std::move(menu);
    co_return;
  }

  // A copy of `bill` as cached at `at`, fresh (until `fresh_until`, when known) or only
  // good for STALE_CACHE.
  void put(const kos::Bill& bill, SystemTime at, bool fresh,
           std::optional<SystemTime> fresh_until = std::nullopt) {
    bills[bill_key(bill.line_number, bill.billing_month)] =
        CachedBill{shown_bill(bill), at, fresh, fresh_until};
  }

  std::map<std::string, CachedBill> bills;
  std::map<std::string, BillMenu> menus;
  int loads = 0;
  int stores = 0;
  bool stored_current_month = false;
  bool down = false;

 private:
  const Clock& clock_;
};

class FakeHistoryWriter final : public HistoryWriter {
 public:
  boost::asio::awaitable<bool> write(const HistoryEntry& entry) override {
    entries.push_back(entry);
    co_return durable;
  }
  std::vector<HistoryEntry> entries;
  bool durable = true;
};

class FakeHistoryStore final : public HistoryStore {
 public:
  boost::asio::awaitable<Result<std::optional<HistoryRecord>, BillStatus>> find(
      std::string request_id, Deadline) override {
    if (down) co_return refuse(BillStatus::kStorageUnavailable);
    for (const auto& record : records)
      if (record.request_id == request_id) co_return std::optional<HistoryRecord>{record};
    co_return std::optional<HistoryRecord>{};
  }
  boost::asio::awaitable<Result<HistoryPage, BillStatus>> list(history::HistoryFilter filter,
                                                               Deadline) override {
    if (down) co_return refuse(BillStatus::kStorageUnavailable);
    filters.push_back(filter);
    HistoryPage page;
    page.request = filter.page;
    for (const auto& record : records) {
      if (record.user_id != filter.user_id) continue;
      if (filter.status && record.status != *filter.status) continue;
      if (filter.line_number && record.line_number != *filter.line_number) continue;
      ++page.total;
      if (page.total > filter.page.offset() && int(page.items.size()) < filter.page.size)
        page.items.push_back(record);
    }
    co_return page;
  }
  std::vector<HistoryRecord> records;  // newest first
  std::vector<history::HistoryFilter> filters;
  bool down = false;
};

// KOS that takes `delay` to give the inner transport's answer (coalescing needs calls
// that overlap).
class SlowKosTransport final : public kos::KosTransport {
 public:
  SlowKosTransport(kos::KosTransport& inner, std::chrono::milliseconds delay)
      : inner_(inner), delay_(delay) {}
  boost::asio::awaitable<kos::KosExchange> exchange(kos::KosRequest request,
                                                    kos::KosCallContext context) override {
    boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, delay_};
    co_await timer.async_wait(boost::asio::use_awaitable);
    co_return co_await inner_.exchange(std::move(request), std::move(context));
  }

 private:
  kos::KosTransport& inner_;
  std::chrono::milliseconds delay_;
};

}  // namespace phonebill::bill::fakes
