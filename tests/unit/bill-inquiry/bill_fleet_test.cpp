// Two BillService instances sharing one cache and one fill lock, as two bill-inquiry
// processes share Redis (SPEC §7): concurrent misses for one key on both make one KOS
// call — the other instance answers from the fill (CACHE) — and each coalesced miss is
// reported by role. Without the lock each instance calls KOS once (what it fixes).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <map>
#include <vector>

#include "bill_service_fixture.hpp"
#include "fakes/fake_fill_lock.hpp"
#include "kos/resilient_kos_transport.hpp"

namespace phonebill::bill {
namespace {

using namespace std::chrono_literals;

class RoleRecorder final : public kos::KosObserver {
 public:
  void on_attempt(kos::KosOperation, const kos::KosAttempt&) override {}
  void on_refused(kos::KosOperation, kos::KosFailureKind) override {}
  void on_transition(kos::KosOperation, const resilience::BreakerTransition&) override {}
  void on_coalesced(kos::KosOperation operation, resilience::FleetRole role) override {
    EXPECT_EQ(operation, kos::KosOperation::kBillInquiry);
    ++roles[role];
  }
  std::map<resilience::FleetRole, int> roles;
};

class BillFleetTest : public BillServiceTest {
 protected:
  BillFleetTest() {
    kos_.set_default([](const kos::KosRequest&) { return bill_answer_from_kos(sample_bill()); });
  }

  // Two instances over the shared cache (and the shared lock when `shared_lock`), each
  // asked `per_instance` times at once for the same line and month; their answers.
  std::vector<Result<InquiryAnswer, BillStatus>> burst(bool shared_lock, int per_instance) {
    resilience::FleetCoalescingOptions options;
    options.first_poll = 2ms;
    auto steady = [] { return std::chrono::steady_clock::now(); };
    FleetCoalescing fleet{shared_lock ? &lock_ : nullptr, options, {}, steady};
    int ids = 0;
    auto next_id = [&] { return "r" + std::to_string(++ids); };
    BillService first{slow_client_, cache_, writer_, store_, clock_, next_id, fleet};
    BillService second{slow_client_, cache_, writer_, store_, clock_, next_id, fleet};
    first.set_metrics(nullptr, &roles_);
    second.set_metrics(nullptr, &roles_);
    std::vector<Result<InquiryAnswer, BillStatus>> answers;
    for (auto* service : {&first, &second}) {
      for (int i = 0; i < per_instance; ++i) {
        boost::asio::co_spawn(
            io_,
            [&, service]() -> boost::asio::awaitable<void> {
              answers.push_back(co_await service->inquire(caller(), InquiryInput{}, info()));
            },
            boost::asio::detached);
      }
    }
    io_.run();
    io_.restart();
    return answers;
  }

  fakes::SlowKosTransport slow_{kos_, 30ms};
  kos::KosClient slow_client_{slow_};
  phonebill::fakes::FakeFillLock lock_{clock_};
  RoleRecorder roles_;
};

// 5 + 5 concurrent misses for one key on two instances: one KOS call; the other
// instance's callers answer from the filled cache.
TEST_F(BillFleetTest, ConcurrentMissesOnTwoInstancesMakeOneKosCall) {
  auto answers = burst(true, 5);
  ASSERT_EQ(answers.size(), 10u);
  std::map<BillSource, int> sources;
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer) << to_string(answer.error().status);
    EXPECT_EQ(answer->bill, shown_bill(sample_bill()));
    ++sources[answer->source];
  }
  EXPECT_EQ(kos_bill_calls(), 1);
  EXPECT_EQ(sources[BillSource::kKos], 5);
  EXPECT_EQ(sources[BillSource::kCache], 5);
  EXPECT_EQ(roles_.roles[resilience::FleetRole::kHolder], 1);
  EXPECT_EQ(roles_.roles[resilience::FleetRole::kFilled], 1);
  EXPECT_FALSE(lock_.held(bill_key(kLine, kCurrentMonth)));
}

// Without the fleet lock, the same burst costs one KOS call per instance.
TEST_F(BillFleetTest, WithoutTheLockEachInstanceCallsKos) {
  auto answers = burst(false, 5);
  EXPECT_EQ(answers.size(), 10u);
  EXPECT_EQ(kos_bill_calls(), 2);
}

// Redis down (the lock does not answer): every instance calls KOS itself, nobody fails.
TEST_F(BillFleetTest, UnreachableLockDegradesToOneCallPerInstance) {
  lock_.down = true;
  auto answers = burst(true, 3);
  for (const auto& answer : answers) EXPECT_TRUE(answer);
  EXPECT_EQ(kos_bill_calls(), 2);
  EXPECT_EQ(roles_.roles[resilience::FleetRole::kDirect], 2);
}

// Another instance holds the key until past the deadline: KOS_TIMEOUT (no copy to serve),
// and KOS is not called.
TEST_F(BillFleetTest, HeldPastTheDeadlineIsKosTimeout) {
  lock_.hold(bill_key(kLine, kCurrentMonth), 1h);
  resilience::FleetCoalescingOptions options;
  options.first_poll = 20ms;
  BillService service{
      client_,
      cache_,
      writer_,
      store_,
      clock_,
      [] { return std::string{"r1"}; },
      FleetCoalescing{&lock_, options, {}, [] { return std::chrono::steady_clock::now(); }}};
  auto started = std::chrono::steady_clock::now();
  RequestInfo short_info{"http-req", "", "trace-1", started + 150ms};
  auto answer = run(service.inquire(caller(), InquiryInput{}, short_info));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().status, BillStatus::kKosTimeout);
  EXPECT_EQ(kos_bill_calls(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

}  // namespace
}  // namespace phonebill::bill
