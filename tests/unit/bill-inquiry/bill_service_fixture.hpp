// What the BillService unit tests share: the service wired to the in-memory fakes and
// the scripted KOS (tests/fakes) on a ManualClock set to 15 November 2026 (Seoul), a
// caller's token, sample KOS answers, and run() to drive one use case to its end.
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "bill_service.hpp"
#include "fakes/bill_fakes.hpp"
#include "fakes/fake_kos_transport.hpp"
#include "kos/codec.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::bill {

inline constexpr const char* kLine = "01012345678";
inline const BillingMonth kCurrentMonth{2026, 11};

// The fakes' sample bill, of the current month by default.
inline kos::Bill sample_bill(BillingMonth month = kCurrentMonth, std::string line = kLine) {
  return phonebill::fakes::sample_bill(month, std::move(line));
}

inline kos::KosExchange bill_answer_from_kos(const kos::Bill& bill) {
  return phonebill::fakes::answer(kos::KosResultCode::kSuccess, kos::to_json(bill));
}

class BillServiceTest : public ::testing::Test {
 protected:
  BillServiceTest() {
    using namespace std::chrono;
    // 12:00 in Seoul on 15 November 2026.
    clock_.set(SystemTime{sys_days{year{2026} / 11 / 15} + hours{3}});
  }

  static security::VerifiedToken caller(std::string user = "user01", std::string line = kLine) {
    security::VerifiedToken token;
    token.user_id = std::move(user);
    token.customer_id = "C-" + token.user_id;
    token.line_number = std::move(line);
    token.permissions = {"BILL_INQUIRY"};
    return token;
  }

  static RequestInfo info() {
    return RequestInfo{"http-req", "", "trace-1",
                       std::chrono::steady_clock::now() + std::chrono::seconds{3}};
  }

  template <typename T>
  T run(boost::asio::awaitable<T> body) {
    return test_support::run_coroutine(io_, std::move(body));
  }

  Result<InquiryAnswer, BillStatus> inquire(InquiryInput input = {},
                                            security::VerifiedToken who = caller()) {
    return run(service_.inquire(std::move(who), std::move(input), info()));
  }

  static InquiryInput month(const BillingMonth& month) {
    return InquiryInput{std::nullopt, month.api_form()};
  }

  int kos_bill_calls() const { return kos_.calls(kos::KosOperation::kBillInquiry); }

  boost::asio::io_context io_;
  ManualClock clock_;
  phonebill::fakes::FakeKosTransport kos_;
  kos::KosClient client_{kos_};
  fakes::FakeBillCache cache_{clock_};
  fakes::FakeHistoryWriter writer_;
  fakes::FakeHistoryStore store_;
  int next_id_ = 0;
  BillService service_{client_, cache_, writer_,
                       store_,  clock_, [this] { return "req-" + std::to_string(++next_id_); }};
};

}  // namespace phonebill::bill
