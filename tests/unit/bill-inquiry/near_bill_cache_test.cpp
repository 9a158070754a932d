// NearBillCache (issue 17 item 3) on a ManualClock in front of the in-memory shared cache:
// a fresh copy answers again without the shared cache for at most the hold and never
// after it stops being fresh; stale copies, misses and errors always ask the shared cache;
// a store drops the held copy; the table stays within its entries, dropping expired copies
// first; hits are counted. And BillService with
// the near cache in front answers a repeated inquiry exactly as the shared cache would.
#include <gtest/gtest.h>

#include <chrono>

#include "bill_service_fixture.hpp"
#include "near_bill_cache.hpp"

namespace phonebill::bill {
namespace {

using namespace std::chrono_literals;

class NearBillCacheTest : public BillServiceTest {
 protected:
  CacheRead load(NearBillCache& near, const std::string& line = kLine,
                 BillingMonth month = kCurrentMonth) {
    return run(near.load(line, month));
  }
  // The sample bill in the shared cache, fresh for `fresh_for` from now.
  void put_fresh(std::chrono::milliseconds fresh_for, std::string line = kLine) {
    cache_.put(sample_bill(kCurrentMonth, std::move(line)), clock_.now(), true,
               clock_.now() + fresh_for);
  }

  NearBillCache near_{cache_, NearCachePolicy{5s, 16}, clock_};
};

TEST_F(NearBillCacheTest, AFreshCopyAnswersAgainWithoutTheSharedCache) {
  put_fresh(1h);
  auto first = load(near_);
  auto second = load(near_);
  EXPECT_EQ(cache_.loads, 1);
  ASSERT_TRUE(second.copy);
  EXPECT_EQ(second.lookup, cache::CacheLookup::kHit);
  EXPECT_TRUE(second.copy->fresh);
  EXPECT_EQ(second.copy->cached_at, first.copy->cached_at);
  EXPECT_EQ(second.copy->bill, first.copy->bill);
  EXPECT_EQ(second.copy->bill.info_json, first.copy->bill.info_json);  // the same bytes, shared
}

TEST_F(NearBillCacheTest, AHeldCopyLastsNoLongerThanTheHold) {
  put_fresh(1h);
  load(near_);
  clock_.advance(4999ms);
  load(near_);
  EXPECT_EQ(cache_.loads, 1);
  clock_.advance(1ms);
  load(near_);
  EXPECT_EQ(cache_.loads, 2);
}

TEST_F(NearBillCacheTest, AHeldCopyLastsNoLongerThanItIsFresh) {
  put_fresh(2s);
  load(near_);
  clock_.advance(2s);
  cache_.put(sample_bill(), clock_.now() - 2s, false);  // the shared copy is stale now
  auto read = load(near_);
  EXPECT_EQ(cache_.loads, 2);
  EXPECT_EQ(read.lookup, cache::CacheLookup::kStale);
  load(near_);
  EXPECT_EQ(cache_.loads, 3);  // a stale copy is never held
}

TEST_F(NearBillCacheTest, MissesErrorsAndCopiesOfUnknownFreshnessAlwaysAskTheSharedCache) {
  load(near_);
  load(near_);
  EXPECT_EQ(cache_.loads, 2);
  cache_.put(sample_bill(), clock_.now(), true);  // fresh, but until when is not known
  load(near_);
  load(near_);
  EXPECT_EQ(cache_.loads, 4);
  cache_.down = true;
  EXPECT_EQ(load(near_).lookup, cache::CacheLookup::kError);
  EXPECT_EQ(cache_.loads, 5);
}

TEST_F(NearBillCacheTest, AHeldCopyStillAnswersWhileTheSharedCacheIsDown) {
  put_fresh(1h);
  load(near_);
  cache_.down = true;
  auto read = load(near_);
  EXPECT_EQ(read.lookup, cache::CacheLookup::kHit);
  EXPECT_EQ(cache_.loads, 1);
}

TEST_F(NearBillCacheTest, AStoreDropsTheHeldCopy) {
  put_fresh(1h);
  load(near_);
  run(near_.store(kLine, kCurrentMonth, shown_bill(sample_bill()), true));
  EXPECT_EQ(cache_.stores, 1);
  EXPECT_EQ(near_.held(), 0u);
  load(near_);
  EXPECT_EQ(cache_.loads, 2);
}

TEST_F(NearBillCacheTest, EachLineAndMonthIsHeldApart) {
  put_fresh(1h);
  put_fresh(1h, "01099998888");
  load(near_);
  auto other = load(near_, "01099998888");
  ASSERT_TRUE(other.copy);
  EXPECT_NE(*other.copy->bill.info_json, *load(near_).copy->bill.info_json);
  EXPECT_EQ(load(near_, kLine, kCurrentMonth.plus_months(-1)).lookup, cache::CacheLookup::kMiss);
  EXPECT_EQ(cache_.loads, 3);
}

TEST_F(NearBillCacheTest, TheTableHoldsAtMostItsEntries) {
  NearBillCache small{cache_, NearCachePolicy{5s, 2}, clock_};
  for (auto line : {"01000000001", "01000000002", "01000000003"}) {
    put_fresh(1h, line);
    load(small, line);
  }
  EXPECT_EQ(small.held(), 2u);
}

TEST_F(NearBillCacheTest, AFullTableDropsItsExpiredCopiesFirst) {
  NearBillCache small{cache_, NearCachePolicy{5s, 2}, clock_};
  put_fresh(1h, "01000000001");
  put_fresh(1h, "01000000002");
  load(small, "01000000001");
  clock_.advance(3s);
  load(small, "01000000002");
  clock_.advance(2s);  // the first copy's hold is over, the second's is not
  put_fresh(1h, "01000000003");
  load(small, "01000000003");
  EXPECT_EQ(small.held(), 2u);
  load(small, "01000000002");
  EXPECT_EQ(cache_.loads, 3) << "the live copy was dropped instead of the expired one";
}

TEST_F(NearBillCacheTest, CountsItsHitsAndHeldBills) {
  put_fresh(1h);
  for (int i = 0; i < 4; ++i) load(near_);
  auto counters = near_.counters();
  EXPECT_EQ(counters.hits, 3u);
  EXPECT_EQ(counters.held, 1u);
}

TEST_F(NearBillCacheTest, AHoldOfZeroPassesEveryLookUpThrough) {
  NearBillCache off{cache_, NearCachePolicy{0ms, 16}, clock_};
  put_fresh(1h);
  load(off);
  load(off);
  EXPECT_EQ(cache_.loads, 2);
  EXPECT_EQ(off.held(), 0u);
}

TEST_F(NearBillCacheTest, TheServiceAnswersARepeatedInquiryFromTheNearCacheAsFromTheShared) {
  BillService service{client_, near_, writer_, store_, clock_, [] { return std::string{"req"}; }};
  put_fresh(1h);
  auto first = run(service.inquire(caller(), {}, info()));
  auto second = run(service.inquire(caller(), {}, info()));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(cache_.loads, 1);
  EXPECT_EQ(kos_bill_calls(), 0);
  EXPECT_EQ(second->source, BillSource::kCache);
  EXPECT_EQ(second->cached_at, first->cached_at);
  EXPECT_EQ(second->bill, first->bill);
}

}  // namespace
}  // namespace phonebill::bill
