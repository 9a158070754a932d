// The KOS admission chain (SPEC §7): an operation's queueing bulkhead in front of the
// bulkhead, inside ResilientKosTransport — a burst waits and is admitted, a refusal
// (queue full, or no place within the wait) comes back as an ordinary kBulkheadFull
// failure with its attempt record and observer call, and the wait counts against the
// call's deadline.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <vector>

#include "fakes/fake_kos_transport.hpp"
#include "kos/codec.hpp"
#include "kos/resilient_kos_transport.hpp"

namespace phonebill::kos {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

using fakes::sample_bill;

// KOS that takes `delay` to answer each call (the fake's answer).
class SlowTransport final : public KosTransport {
 public:
  SlowTransport(KosTransport& inner, std::chrono::milliseconds delay)
      : inner_(inner), delay_(delay) {}
  asio::awaitable<KosExchange> exchange(KosRequest request, KosCallContext context) override {
    asio::steady_timer timer{co_await asio::this_coro::executor, delay_};
    co_await timer.async_wait(asio::use_awaitable);
    co_return co_await inner_.exchange(std::move(request), std::move(context));
  }

 private:
  KosTransport& inner_;
  std::chrono::milliseconds delay_;
};

class RecordingObserver final : public KosObserver {
 public:
  void on_attempt(KosOperation, const KosAttempt&) override {}
  void on_refused(KosOperation, KosFailureKind kind) override { refusals.push_back(kind); }
  void on_transition(KosOperation, const resilience::BreakerTransition&) override {}
  void on_admission(KosOperation, resilience::Admission admission) override {
    admissions.push_back(admission);
  }
  std::vector<KosFailureKind> refusals;
  std::vector<resilience::Admission> admissions;
};

class KosAdmissionTest : public ::testing::Test {
 protected:
  KosAdmissionTest() {
    fake_.set_default([](const KosRequest&) {
      return fakes::answer(KosResultCode::kSuccess, to_json(sample_bill()));
    });
  }

  // `calls` bill inquiries at once through a transport whose bill fetches queue as
  // `queue` says and whose KOS answers after `kos_delay`; their replies in finishing order.
  std::vector<KosReply<Bill>> burst(int calls, resilience::QueueingBulkheadOptions queue,
                                    std::chrono::milliseconds kos_delay) {
    options_.queues[KosOperation::kBillInquiry] = queue;
    SlowTransport slow{fake_, kos_delay};
    ResilientKosTransport transport{slow, options_, clock_, random_};
    transport.set_observer(&observer_);
    KosClient client{transport};
    std::vector<KosReply<Bill>> replies;
    for (int i = 0; i < calls; ++i) {
      asio::co_spawn(
          io_,
          [&]() -> asio::awaitable<void> {
            // Named, not braced in the co_await: g++ 12 destroys such temporaries twice.
            BillInquiryRequest request{"01012345678", BillingMonth{2026, 10}, "req"};
            KosCallContext context;
            replies.push_back(co_await client.inquire_bill(request, context));
          },
          asio::detached);
    }
    io_.run_for(10s);
    counters_ = transport.queue(KosOperation::kBillInquiry)->counters();
    return replies;
  }

  asio::io_context io_;
  ManualClock clock_;
  SeededRandom random_{7};
  KosResilienceOptions options_;
  fakes::FakeKosTransport fake_;
  RecordingObserver observer_;
  resilience::QueueingBulkheadCounters counters_;
};

// A burst beyond the cap waits its turn: every call is answered, one KOS call at a time.
TEST_F(KosAdmissionTest, BurstBeyondTheCapQueuesAndIsAnswered) {
  auto replies = burst(3, {1, 10, 5s}, 20ms);
  ASSERT_EQ(replies.size(), 3u);
  for (const auto& reply : replies) EXPECT_TRUE(reply.ok());
  EXPECT_EQ(observer_.admissions,
            (std::vector<resilience::Admission>{resilience::Admission::kImmediate,
                                                resilience::Admission::kAfterWait,
                                                resilience::Admission::kAfterWait}));
  EXPECT_TRUE(observer_.refusals.empty());
  EXPECT_EQ(counters_.admitted, 3u);
  EXPECT_EQ(counters_.queued, 2u);
  EXPECT_EQ(counters_.in_flight, 0);
}

// A full queue refuses like a full bulkhead: kBulkheadFull with its attempt (the breaker's
// state filled in) and the observer told — KOS is not called.
TEST_F(KosAdmissionTest, FullQueueIsABulkheadFullFailureWithItsAttempt) {
  auto replies = burst(2, {1, 0, 5s}, 20ms);
  ASSERT_EQ(replies.size(), 2u);
  const auto& refused = replies[0];  // refused at once, so it finishes first
  ASSERT_TRUE(refused.failure);
  EXPECT_EQ(refused.failure->kind, KosFailureKind::kBulkheadFull);
  EXPECT_EQ(refused.failure->message, "KOS queue full");
  ASSERT_EQ(refused.attempts.size(), 1u);
  EXPECT_EQ(refused.attempts[0].failure, KosFailureKind::kBulkheadFull);
  EXPECT_EQ(refused.attempts[0].circuit_state, "closed");
  EXPECT_TRUE(replies[1].ok());
  EXPECT_EQ(observer_.refusals, std::vector<KosFailureKind>{KosFailureKind::kBulkheadFull});
  EXPECT_EQ(std::count(observer_.admissions.begin(), observer_.admissions.end(),
                       resilience::Admission::kQueueFull),
            1);
  EXPECT_EQ(fake_.calls(KosOperation::kBillInquiry), 1);
}

// Queueing spends the call's own budget: with a 100 ms inquiry timeout a caller behind a
// slow call gives up after about 100 ms (not the queue's 5 s), refused as kBulkheadFull.
TEST_F(KosAdmissionTest, QueueWaitCountsAgainstTheCallDeadline) {
  options_.inquiry_timeout = 100ms;
  auto started = std::chrono::steady_clock::now();
  auto replies = burst(2, {1, 10, 5s}, 400ms);
  ASSERT_EQ(replies.size(), 2u);
  const auto& refused = replies[0];
  ASSERT_TRUE(refused.failure);
  EXPECT_EQ(refused.failure->kind, KosFailureKind::kBulkheadFull);
  EXPECT_EQ(refused.failure->message, "no KOS slot within the queue wait");
  EXPECT_EQ(counters_.timed_out, 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

// Operations without a queue of their own fail fast at the bulkhead as before.
TEST_F(KosAdmissionTest, OnlyConfiguredOperationsQueue) {
  ResilientKosTransport transport{fake_, options_, clock_, random_};
  EXPECT_EQ(transport.queue(KosOperation::kBillInquiry), nullptr);
  options_.queues[KosOperation::kBillInquiry] = {500, 10, 1s};
  options_.max_concurrent_calls = 8;
  ResilientKosTransport queued{fake_, options_, clock_, random_};
  ASSERT_NE(queued.queue(KosOperation::kBillInquiry), nullptr);
  EXPECT_EQ(queued.queue(KosOperation::kBillInquiry)->options().capacity, 8)
      << "a queue never admits more than the bulkhead";
  EXPECT_EQ(queued.queue(KosOperation::kAvailableMonths), nullptr);
}

}  // namespace
}  // namespace phonebill::kos
