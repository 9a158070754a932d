// ResilientKosTransport against the scripted FakeKosTransport on a manual clock: SPEC §7
// breaker counting, retries, timeouts and the typed client's parsing.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "fakes/fake_kos_transport.hpp"
#include "kos/codec.hpp"
#include "kos/http_kos_transport.hpp"
#include "kos/resilient_kos_transport.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::kos {
namespace {

using namespace std::chrono_literals;
using fakes::answer;
using fakes::failure;

using fakes::sample_bill;

class ResilientKosTransportTest : public ::testing::Test {
 protected:
  ResilientKosTransportTest() { options_.retry.base_delay = 10ms; }

  ResilientKosTransport& transport() {
    if (!resilient_) {
      resilient_ = std::make_unique<ResilientKosTransport>(
          fake_, options_, clock_, random_,
          [this](std::chrono::milliseconds delay) -> boost::asio::awaitable<void> {
            pauses_.push_back(delay);
            co_return;
          },
          [] { return std::chrono::steady_clock::now(); });
    }
    return *resilient_;
  }

  KosReply<Bill> inquire() {
    KosClient client{transport()};
    BillInquiryRequest request{"01012345678", BillingMonth{2026, 10}, "req-1"};
    return test_support::run_coroutine(io_, client.inquire_bill(request, KosCallContext{}));
  }

  boost::asio::io_context io_;
  ManualClock clock_;
  SeededRandom random_{7};
  KosResilienceOptions options_;
  fakes::FakeKosTransport fake_;
  std::vector<std::chrono::milliseconds> pauses_;
  std::unique_ptr<ResilientKosTransport> resilient_;
};

// A success is parsed into the typed bill, in one attempt.
TEST_F(ResilientKosTransportTest, SuccessIsParsed) {
  fake_.push(KosOperation::kBillInquiry, answer(KosResultCode::kSuccess, to_json(sample_bill())));
  auto reply = inquire();
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(*reply.data, sample_bill());
  ASSERT_EQ(reply.attempts.size(), 1u);
  EXPECT_EQ(reply.attempts[0].circuit_state, "closed");
}

// An unparseable success payload is a transport failure, not a crash.
TEST_F(ResilientKosTransportTest, MalformedPayloadIsATransportFailure) {
  options_.retry.max_retries = 0;
  fake_.push(KosOperation::kBillInquiry, answer(KosResultCode::kSuccess, boost::json::object{}));
  auto reply = inquire();
  ASSERT_TRUE(reply.failure);
  EXPECT_EQ(reply.failure->kind, KosFailureKind::kTransport);
}

// Transport errors and 9999 are retried (at most twice) with a pause before each retry.
TEST_F(ResilientKosTransportTest, RetriesTransportAndSystemErrors) {
  fake_.push(KosOperation::kBillInquiry, failure(KosFailureKind::kTransport));
  fake_.push(KosOperation::kBillInquiry, answer(KosResultCode::kSystemError));
  fake_.push(KosOperation::kBillInquiry, answer(KosResultCode::kSuccess, to_json(sample_bill())));
  auto reply = inquire();
  EXPECT_TRUE(reply.ok());
  ASSERT_EQ(reply.attempts.size(), 3u);
  EXPECT_EQ(reply.attempts[2].number, 3);
  EXPECT_EQ(pauses_.size(), 2u);
}

// After two retries the last failure is returned.
TEST_F(ResilientKosTransportTest, GivesUpAfterTwoRetries) {
  for (int i = 0; i < 4; ++i)
    fake_.push(KosOperation::kBillInquiry, answer(KosResultCode::kSystemError));
  auto reply = inquire();
  ASSERT_TRUE(reply.failure);
  EXPECT_EQ(reply.failure->kind, KosFailureKind::kSystemError);
  EXPECT_EQ(fake_.calls(KosOperation::kBillInquiry), 3);
}

// Timeouts and business errors are never retried.
TEST_F(ResilientKosTransportTest, TimeoutsAndBusinessErrorsAreNotRetried) {
  fake_.push(KosOperation::kBillInquiry, failure(KosFailureKind::kTimeout));
  auto timed_out = inquire();
  EXPECT_EQ(timed_out.failure->kind, KosFailureKind::kTimeout);
  fake_.push(KosOperation::kBillInquiry, answer(KosResultCode::kBillNotFound));
  auto not_found = inquire();
  EXPECT_TRUE(not_found.business_error());
  EXPECT_EQ(not_found.code, KosResultCode::kBillNotFound);
  EXPECT_EQ(fake_.calls(KosOperation::kBillInquiry), 2);
}

// Five consecutive failures open the operation's breaker; the next call is refused
// without reaching KOS, and other operations are unaffected.
TEST_F(ResilientKosTransportTest, FiveFailuresOpenTheBreaker) {
  options_.retry.max_retries = 0;
  fake_.set_default([](const KosRequest&) { return failure(KosFailureKind::kTimeout); });
  for (int i = 0; i < 5; ++i) EXPECT_EQ(inquire().failure->kind, KosFailureKind::kTimeout);
  auto refused = inquire();
  ASSERT_TRUE(refused.failure);
  EXPECT_EQ(refused.failure->kind, KosFailureKind::kCircuitOpen);
  EXPECT_GT(refused.failure->retry_after.count(), 0);
  EXPECT_EQ(fake_.calls(KosOperation::kBillInquiry), 5);
  EXPECT_EQ(transport().breaker(KosOperation::kBillInquiry).state(),
            resilience::BreakerState::kOpen);
  EXPECT_EQ(transport().breaker(KosOperation::kAvailableMonths).state(),
            resilience::BreakerState::kClosed);
}

// Business errors are answers: any number of them leaves the breaker closed.
TEST_F(ResilientKosTransportTest, BusinessErrorsDoNotTripTheBreaker) {
  fake_.set_default([](const KosRequest&) { return answer(KosResultCode::kBillLineNotFound); });
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(inquire().business_error());
  EXPECT_EQ(transport().breaker(KosOperation::kBillInquiry).state(),
            resilience::BreakerState::kClosed);
}

// After the open period, three successful trials close the breaker again.
TEST_F(ResilientKosTransportTest, HalfOpenTrialsCloseItAgain) {
  options_.retry.max_retries = 0;
  for (int i = 0; i < 5; ++i)
    fake_.push(KosOperation::kBillInquiry, failure(KosFailureKind::kTransport));
  for (int i = 0; i < 5; ++i) inquire();
  EXPECT_EQ(inquire().failure->kind, KosFailureKind::kCircuitOpen);
  clock_.advance(30s);
  fake_.set_default(
      [](const KosRequest&) { return answer(KosResultCode::kSuccess, to_json(sample_bill())); });
  auto trial = inquire();
  EXPECT_TRUE(trial.ok());
  EXPECT_EQ(trial.attempts[0].circuit_state, "half_open");
  inquire();
  inquire();
  EXPECT_EQ(transport().breaker(KosOperation::kBillInquiry).state(),
            resilience::BreakerState::kClosed);
}

// The caller's deadline bounds the whole call: no retry starts when it cannot fit.
TEST_F(ResilientKosTransportTest, NoRetryPastTheDeadline) {
  fake_.set_default([](const KosRequest&) { return failure(KosFailureKind::kTransport); });
  KosClient client{transport()};
  KosCallContext context;
  context.deadline = std::chrono::steady_clock::now() + 20ms;
  BillInquiryRequest request{"01012345678", BillingMonth{2026, 10}, "req-2"};
  auto reply = test_support::run_coroutine(io_, client.inquire_bill(request, context));
  EXPECT_EQ(fake_.calls(KosOperation::kBillInquiry), 1);
  EXPECT_TRUE(reply.failure);
}

// KOS's base URL comes from PHONEBILL_UPSTREAM_KOS_SIM (first entry of the list).
TEST(HttpKosOptionsTest, ParsesTheBaseUrl) {
  auto options = HttpKosOptions::from_base_url("http://127.0.0.1:8084,http://127.0.0.1:8184");
  EXPECT_EQ(options.host, "127.0.0.1");
  EXPECT_EQ(options.port, 8084);
  EXPECT_THROW(HttpKosOptions::from_base_url("ftp://x"), ConfigError);
  EXPECT_THROW(HttpKosOptions::from_base_url("http://x:99999"), ConfigError);
  EXPECT_THROW(HttpKosOptions::from_base_url("http://x:8084/kos"), ConfigError);
}

// An IPv6 literal is a host without brackets (the resolver's form), not "[::1]".
TEST(HttpKosOptionsTest, Ipv6BaseUrl) {
  auto options = HttpKosOptions::from_base_url("http://[::1]:8084");
  EXPECT_EQ(options.host, "::1");
  EXPECT_EQ(options.port, 8084);
  EXPECT_EQ(HttpKosOptions::from_base_url("http://[fd00::2]").port, 80);
}

}  // namespace
}  // namespace phonebill::kos
