// The fleet's KOS budget inside ResilientKosTransport (SPEC §7), on a manual clock with
// the in-memory window counter: a call over budget waits for the next window when its
// deadline allows and is sent then; otherwise it is refused before anything is sent
// (kBudgetExhausted, retry after the next window, observer told); a change is checked
// once, before it is sent — its retries are never refused; Redis not answering sends
// the call unchecked; an operation without a budget never asks.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <vector>

#include "fakes/fake_budget_counter.hpp"
#include "fakes/fake_kos_transport.hpp"
#include "fakes/manual_pause.hpp"
#include "kos/resilient_kos_transport.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::kos {
namespace {

using namespace std::chrono_literals;

class BudgetObserver final : public KosObserver {
 public:
  void on_attempt(KosOperation, const KosAttempt&) override {}
  void on_refused(KosOperation, KosFailureKind kind) override { refusals.push_back(kind); }
  void on_transition(KosOperation, const resilience::BreakerTransition&) override {}
  void on_budget(KosOperation, resilience::BudgetVerdict verdict) override {
    verdicts.push_back(verdict);
  }
  std::vector<KosFailureKind> refusals;
  std::vector<resilience::BudgetVerdict> verdicts;
};

class KosBudgetTest : public ::testing::Test {
 protected:
  KosBudgetTest() {
    options_.retry.base_delay = 10ms;
    options_.budget_per_second[KosOperation::kBillInquiry] = 1;
    options_.budget_per_second[KosOperation::kProductChange] = 1;
    fake_.set_default([](const KosRequest&) { return fakes::answer(KosResultCode::kSuccess); });
    // 100 ms into a window of the fake counter.
    auto into = std::chrono::duration_cast<std::chrono::milliseconds>(
                    clock_.steady_now().time_since_epoch()) %
                1000;
    clock_.advance(1000ms - into + 100ms);
  }

  ResilientKosTransport& transport() {
    if (!resilient_) {
      resilient_ = std::make_unique<ResilientKosTransport>(fake_, options_, clock_, random_,
                                                           fakes::manual_pause(clock_, pauses_),
                                                           [this] { return clock_.steady_now(); });
      resilient_->set_budget_counter(&counter_);
      resilient_->set_observer(&observer_);
    }
    return *resilient_;
  }

  KosExchange call(KosOperation operation) {
    KosRequest request{operation, "POST", "/api/v1/kos/test", "{}"};
    KosCallContext context{clock_.steady_now() + 10s, "http-1", ""};
    return test_support::run_coroutine(io_, transport().exchange(request, context));
  }

  boost::asio::io_context io_;
  ManualClock clock_;
  SeededRandom random_{7};
  KosResilienceOptions options_;
  fakes::FakeKosTransport fake_;
  fakes::FakeBudgetCounter counter_{clock_};
  BudgetObserver observer_;
  std::vector<std::chrono::milliseconds> pauses_;
  std::unique_ptr<ResilientKosTransport> resilient_;
};

// Over budget, with the 3 s inquiry timeout: the call waits for the next window (900 ms
// here) and is sent then.
TEST_F(KosBudgetTest, OverBudgetWaitsForTheNextWindowAndIsSent) {
  EXPECT_FALSE(call(KosOperation::kBillInquiry).failure);
  EXPECT_FALSE(call(KosOperation::kBillInquiry).failure);
  EXPECT_EQ(fake_.calls(KosOperation::kBillInquiry), 2);
  EXPECT_EQ(pauses_, std::vector<std::chrono::milliseconds>{900ms});
  EXPECT_EQ(observer_.verdicts,
            (std::vector{resilience::BudgetVerdict::kGranted, resilience::BudgetVerdict::kWaited}));
  EXPECT_TRUE(observer_.refusals.empty());
}

// Over budget when the next window is beyond the call's timeout: refused at once, not
// sent, as kBudgetExhausted with its attempt record and a retry after the next window.
TEST_F(KosBudgetTest, OverBudgetPastTheDeadlineIsRefusedBeforeSending) {
  options_.inquiry_timeout = 500ms;
  EXPECT_FALSE(call(KosOperation::kBillInquiry).failure);
  auto refused = call(KosOperation::kBillInquiry);
  ASSERT_TRUE(refused.failure);
  EXPECT_EQ(refused.failure->kind, KosFailureKind::kBudgetExhausted);
  EXPECT_EQ(refused.failure->retry_after, 1s);
  ASSERT_EQ(refused.attempts.size(), 1u);
  EXPECT_EQ(refused.attempts[0].failure, KosFailureKind::kBudgetExhausted);
  EXPECT_EQ(fake_.calls(KosOperation::kBillInquiry), 1);
  EXPECT_TRUE(pauses_.empty());
  EXPECT_EQ(observer_.refusals, std::vector{KosFailureKind::kBudgetExhausted});
  EXPECT_EQ(observer_.verdicts.back(), resilience::BudgetVerdict::kRefused);
}

// A change takes the budget once, before it is sent: its retry (same requestId) after a
// transport error is sent without asking again; the next change over budget is refused
// before anything reaches KOS.
TEST_F(KosBudgetTest, ChangeIsCheckedBeforeSendingAndItsRetriesAreNot) {
  options_.change_timeout = 500ms;
  fake_.push(KosOperation::kProductChange, fakes::failure(KosFailureKind::kTransport));
  fake_.push(KosOperation::kProductChange, fakes::answer(KosResultCode::kSuccess));
  EXPECT_FALSE(call(KosOperation::kProductChange).failure);
  EXPECT_EQ(fake_.calls(KosOperation::kProductChange), 2);
  EXPECT_EQ(counter_.takes, 1);

  auto refused = call(KosOperation::kProductChange);
  ASSERT_TRUE(refused.failure);
  EXPECT_EQ(refused.failure->kind, KosFailureKind::kBudgetExhausted);
  EXPECT_EQ(fake_.calls(KosOperation::kProductChange), 2);
}

// Redis not answering: the call goes out on the local bulkhead's word (never refused for
// Redis's sake).
TEST_F(KosBudgetTest, UnreachableCounterSendsTheCallUnchecked) {
  counter_.down = true;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(call(KosOperation::kBillInquiry).failure);
  EXPECT_EQ(fake_.calls(KosOperation::kBillInquiry), 3);
  EXPECT_EQ(observer_.verdicts,
            std::vector<resilience::BudgetVerdict>(3, resilience::BudgetVerdict::kUnchecked));
}

// An operation without a budget never asks the counter.
TEST_F(KosBudgetTest, OperationWithoutBudgetNeverAsks) {
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(call(KosOperation::kAvailableMonths).failure);
  EXPECT_EQ(counter_.takes, 0);
  EXPECT_TRUE(observer_.verdicts.empty());
}

// PHONEBILL_KOS_BUDGET_<OPERATION>_PER_SECOND sets an operation's budget; 0 or absent:
// none. The coalescing lock outlives the inquiry timeout by default.
TEST(KosBudgetConfigTest, BudgetsComeFromTheEnvironment) {
  auto environment = Environment::from_map({{"PHONEBILL_KOS_BUDGET_BILL_INQUIRY_PER_SECOND", "40"},
                                            {"PHONEBILL_KOS_BUDGET_PRODUCT_CHANGE_PER_SECOND", "0"},
                                            {"PHONEBILL_KOS_INQUIRY_TIMEOUT_MS", "2000"}});
  auto options = KosResilienceOptions::from_environment(environment);
  EXPECT_EQ(options.budget_per_second.at(KosOperation::kBillInquiry), 40);
  EXPECT_FALSE(options.budget_per_second.contains(KosOperation::kProductChange));
  EXPECT_EQ(options.coalescing.lock_ttl, 2500ms);
  EXPECT_THROW(KosResilienceOptions::from_environment(
                   Environment::from_map({{"PHONEBILL_KOS_BUDGET_BILL_MONTHS_PER_SECOND", "-1"}})),
               ConfigError);
}

}  // namespace
}  // namespace phonebill::kos
