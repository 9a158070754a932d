// BillService::inquire, one test per SPEC §5/§7 rule, in-process against the fakes:
// cache-aside (fresh, miss, stale), coalescing, KOS failures and codes, validation,
// ownership, permission, and "no answer without its history".
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <vector>

#include "bill_service_fixture.hpp"

namespace phonebill::bill {
namespace {

using namespace std::chrono_literals;
using phonebill::fakes::answer;
using phonebill::fakes::failure;

// A fresh cached copy answers CACHE with its time, and KOS is not asked.
TEST_F(BillServiceTest, FreshCacheHitAnswersCacheWithoutKos) {
  auto cached_at = clock_.now() - 10min;
  cache_.put(sample_bill(), cached_at, true);
  auto answer = inquire();
  ASSERT_TRUE(answer) << to_string(answer.error().status);
  EXPECT_EQ(answer->source, BillSource::kCache);
  EXPECT_EQ(answer->cached_at, cached_at);
  EXPECT_EQ(answer->bill, shown_bill(sample_bill()));
  EXPECT_EQ(kos_bill_calls(), 0);
}

// A miss asks KOS once, answers KOS, and caches the bill (the current month as such).
TEST_F(BillServiceTest, MissCallsKosOnceAndCachesTheBill) {
  kos_.push(kos::KosOperation::kBillInquiry, bill_answer_from_kos(sample_bill()));
  auto answer = inquire();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->source, BillSource::kKos);
  EXPECT_FALSE(answer->cached_at);
  EXPECT_EQ(answer->bill, shown_bill(sample_bill()));
  EXPECT_EQ(kos_bill_calls(), 1);
  EXPECT_EQ(cache_.stores, 1);
  EXPECT_TRUE(cache_.stored_current_month);
  EXPECT_EQ(kos_.requests().at(0).operation, kos::KosOperation::kBillInquiry);
}

// Concurrent misses of one line and month make ONE KOS call; every caller gets its bill,
// and only the caller that made the call records it in its history.
TEST_F(BillServiceTest, ConcurrentMissesForOneKeyMakeOneKosCall) {
  fakes::SlowKosTransport slow{kos_, 30ms};
  kos::KosClient slow_client{slow};
  int ids = 0;
  BillService service{slow_client, cache_, writer_,
                      store_,      clock_, [&] { return "r" + std::to_string(++ids); }};
  kos_.set_default([](const kos::KosRequest&) { return bill_answer_from_kos(sample_bill()); });
  std::vector<Result<InquiryAnswer, BillStatus>> answers;
  for (int i = 0; i < 5; ++i) {
    boost::asio::co_spawn(
        io_,
        [&]() -> boost::asio::awaitable<void> {
          InquiryInput input;
          answers.push_back(co_await service.inquire(caller(), input, info()));
        },
        boost::asio::detached);
  }
  io_.run_for(5s);
  ASSERT_EQ(answers.size(), 5u);
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->source, BillSource::kKos);
    EXPECT_EQ(answer->bill, shown_bill(sample_bill()));
  }
  EXPECT_EQ(kos_bill_calls(), 1);
  int recorded_calls = 0;
  for (const auto& entry : writer_.entries) recorded_calls += int(entry.kos_calls.size());
  EXPECT_EQ(recorded_calls, 1);
}

// KOS down with a stale copy: the copy answers STALE_CACHE with the time it was cached.
TEST_F(BillServiceTest, KosDownWithStaleCopyAnswersStaleCache) {
  auto cached_at = clock_.now() - 3h;
  cache_.put(sample_bill(), cached_at, false);
  kos_.push(kos::KosOperation::kBillInquiry, failure(kos::KosFailureKind::kTransport));
  auto answer = inquire();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->source, BillSource::kStaleCache);
  EXPECT_EQ(answer->cached_at, cached_at);
  EXPECT_EQ(kos_bill_calls(), 1);
}

// KOS down and no copy: KOS unavailable (503 at the edge), recorded as FAILED.
TEST_F(BillServiceTest, KosDownWithoutCopyIsKosUnavailable) {
  kos_.push(kos::KosOperation::kBillInquiry, failure(kos::KosFailureKind::kTransport));
  auto answer = inquire();
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().status, BillStatus::kKosUnavailable);
  ASSERT_EQ(writer_.entries.size(), 1u);
  EXPECT_FALSE(writer_.entries[0].completed);
  EXPECT_EQ(writer_.entries[0].result_code, "KOS_UNAVAILABLE");
  EXPECT_EQ(writer_.entries[0].kos_calls.size(), 1u);
}

// KOS too slow: KOS timeout (504 KOS_TIMEOUT at the edge).
TEST_F(BillServiceTest, KosTimeoutIsKosTimeout) {
  kos_.push(kos::KosOperation::kBillInquiry, failure(kos::KosFailureKind::kTimeout));
  auto answer = inquire();
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().status, BillStatus::kKosTimeout);
}

// An open circuit refuses with when to come back (the breaker's window, whole seconds).
TEST_F(BillServiceTest, CircuitOpenIsKosUnavailableWithRetryAfter) {
  auto refused = failure(kos::KosFailureKind::kCircuitOpen);
  refused.failure->retry_after = 11'200ms;
  kos_.push(kos::KosOperation::kBillInquiry, refused);
  auto answer = inquire();
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().status, BillStatus::kKosUnavailable);
  EXPECT_EQ(answer.error().retry_after, std::chrono::seconds{12});
}

// No KOS place (the transport's queue refused: kBulkheadFull) is an ordinary KOS
// failure: the stale copy if there is one, else KOS unavailable — with its attempt row.
TEST_F(BillServiceTest, NoKosPlaceIsKosUnavailableAndRecorded) {
  kos_.push(kos::KosOperation::kBillInquiry, failure(kos::KosFailureKind::kBulkheadFull));
  auto answer = inquire();
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().status, BillStatus::kKosUnavailable);
  ASSERT_EQ(writer_.entries.at(0).kos_calls.size(), 1u);
  EXPECT_EQ(writer_.entries[0].kos_calls[0].attempt.failure, kos::KosFailureKind::kBulkheadFull);
}

// KOS's bill codes: 1001 no such line, 1002 line inactive, 1003 no bill for the month.
TEST_F(BillServiceTest, KosBillCodesMapToLineAndBillStatuses) {
  const std::pair<kos::KosResultCode, BillStatus> cases[] = {
      {kos::KosResultCode::kBillLineNotFound, BillStatus::kLineNotFound},
      {kos::KosResultCode::kBillLineInactive, BillStatus::kLineInactive},
      {kos::KosResultCode::kBillNotFound, BillStatus::kBillNotFound},
  };
  for (const auto& [code, status] : cases) {
    kos_.push(kos::KosOperation::kBillInquiry, answer(code));
    auto refused = inquire();
    ASSERT_FALSE(refused) << kos::to_text(code);
    EXPECT_EQ(refused.error().status, status) << kos::to_text(code);
  }
  EXPECT_EQ(cache_.stores, 0) << "a business error is not cached";
}

// A month in the future is invalid input on inquiryMonth; KOS is not asked.
TEST_F(BillServiceTest, FutureMonthIsInvalidInput) {
  auto refused = inquire(month(kCurrentMonth.plus_months(1)));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, BillStatus::kInvalidInput);
  ASSERT_EQ(refused.error().fields.list().size(), 1u);
  EXPECT_EQ(refused.error().fields.list()[0].field, "inquiryMonth");
  EXPECT_EQ(kos_bill_calls(), 0);
}

// 24 months back is too old; 23 is the oldest allowed.
TEST_F(BillServiceTest, MonthOlderThan24MonthsIsInvalidInput) {
  auto refused = inquire(month(kCurrentMonth.plus_months(-24)));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, BillStatus::kInvalidInput);
  kos_.push(kos::KosOperation::kBillInquiry,
            bill_answer_from_kos(sample_bill(kCurrentMonth.plus_months(-23))));
  EXPECT_TRUE(inquire(month(kCurrentMonth.plus_months(-23))));
}

// YYYYMM and YYYY-MM name the same month; a closed month is cached as closed.
TEST_F(BillServiceTest, BothMonthFormsAreAccepted) {
  auto october = kCurrentMonth.plus_months(-1);
  kos_.push(kos::KosOperation::kBillInquiry, bill_answer_from_kos(sample_bill(october)));
  auto answer = inquire(InquiryInput{std::nullopt, october.kos_form()});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->bill, shown_bill(sample_bill(october)));
  EXPECT_FALSE(cache_.stored_current_month);
  EXPECT_EQ(inquire(month(october))->source, BillSource::kCache);
}

// A malformed line number is invalid input on lineNumber.
TEST_F(BillServiceTest, MalformedLineNumberIsInvalidInput) {
  auto refused = inquire(InquiryInput{"0101234", std::nullopt});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, BillStatus::kInvalidInput);
  EXPECT_EQ(refused.error().fields.list().at(0).field, "lineNumber");
}

// Another customer's line is not owned, and never reaches KOS or the cache.
TEST_F(BillServiceTest, AnotherLineIsNotOwned) {
  cache_.put(sample_bill(kCurrentMonth, "01087654321"), clock_.now(), true);
  auto refused = inquire(InquiryInput{"010-8765-4321", std::nullopt});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, BillStatus::kLineNotOwned);
  EXPECT_EQ(kos_bill_calls(), 0);
  EXPECT_EQ(writer_.entries.at(0).line_number, "01087654321");
}

// A token without BILL_INQUIRY is forbidden.
TEST_F(BillServiceTest, MissingPermissionIsForbidden) {
  auto who = caller();
  who.permissions = {"PRODUCT_CHANGE"};
  auto refused = inquire({}, who);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, BillStatus::kForbidden);
}

// History that cannot be made durable: no answer is given (503 at the edge), even though
// the bill was found.
TEST_F(BillServiceTest, HistoryNotDurableGivesNoAnswer) {
  cache_.put(sample_bill(), clock_.now(), true);
  writer_.durable = false;
  auto refused = inquire();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, BillStatus::kStorageUnavailable);
}

// Every answer's history holds the request, what was shown, and the KOS calls made.
TEST_F(BillServiceTest, AnsweredInquiryIsRecorded) {
  kos_.push(kos::KosOperation::kBillInquiry, bill_answer_from_kos(sample_bill()));
  auto answer = inquire();
  ASSERT_TRUE(answer);
  ASSERT_EQ(writer_.entries.size(), 1u);
  const auto& entry = writer_.entries[0];
  EXPECT_EQ(entry.request_id, answer->request_id);
  EXPECT_TRUE(entry.completed);
  EXPECT_EQ(entry.source, BillSource::kKos);
  EXPECT_EQ(entry.bill, shown_bill(sample_bill()));
  EXPECT_EQ(entry.billing_month, kCurrentMonth);
  EXPECT_EQ(entry.http_request_id, "http-req");
  EXPECT_EQ(entry.kos_calls.size(), 1u);
}

// A Redis outage is a miss: the bill comes from KOS.
TEST_F(BillServiceTest, CacheDownStillAnswersFromKos) {
  cache_.down = true;
  kos_.push(kos::KosOperation::kBillInquiry, bill_answer_from_kos(sample_bill()));
  auto answer = inquire();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->source, BillSource::kKos);
}

}  // namespace
}  // namespace phonebill::bill
