// FakeKosTransport: see fake_kos_transport.hpp.
#include "fakes/fake_kos_transport.hpp"

#include <utility>

#include "core/clock.hpp"

namespace phonebill::fakes {

kos::KosExchange answer(kos::KosResultCode code, boost::json::value data) {
  kos::KosExchange exchange;
  exchange.code = code;
  exchange.message = std::string{kos::default_message(code)};
  exchange.data = std::move(data);
  kos::KosAttempt attempt;
  attempt.result_code = code;
  attempt.result_message = exchange.message;
  if (code == kos::KosResultCode::kSystemError) {
    exchange.failure = kos::KosFailure{kos::KosFailureKind::kSystemError, exchange.message, {}};
    attempt.failure = kos::KosFailureKind::kSystemError;
  } else if (code == kos::KosResultCode::kInvalidRequest) {
    exchange.failure = kos::KosFailure{kos::KosFailureKind::kRejected, exchange.message, {}};
    attempt.failure = kos::KosFailureKind::kRejected;
  }
  exchange.attempts.push_back(attempt);
  return exchange;
}

kos::Bill sample_bill(BillingMonth month, std::string line) {
  kos::Bill bill;
  bill.line_number = std::move(line);
  bill.billing_month = month;
  bill.customer_name = "홍길동";
  bill.product_code = "5G-PREMIUM-001";
  bill.product_name = "5G 프리미엄 플랜";
  bill.monthly_fee = 89000;
  bill.total_amount = 89000;
  bill.payment_info =
      kos::PaymentInfo{"2026-11-01", "2026-11-25", kos::PaymentStatus::kPaid, "자동이체"};
  return bill;
}

kos::KosExchange failure(kos::KosFailureKind kind) {
  if (kind == kos::KosFailureKind::kSystemError) return answer(kos::KosResultCode::kSystemError);
  kos::KosExchange exchange;
  exchange.failure = kos::KosFailure{kind, std::string{kos::to_string(kind)}, {}};
  kos::KosAttempt attempt;
  attempt.failure = kind;
  attempt.result_message = std::string{kos::to_string(kind)};
  exchange.attempts.push_back(attempt);
  return exchange;
}

void FakeKosTransport::push(kos::KosOperation operation, kos::KosExchange exchange) {
  std::lock_guard lock{mutex_};
  queued_[operation].push_back(std::move(exchange));
}

void FakeKosTransport::set_default(Responder responder) {
  std::lock_guard lock{mutex_};
  default_ = std::move(responder);
}

boost::asio::awaitable<kos::KosExchange> FakeKosTransport::exchange(kos::KosRequest request,
                                                                    kos::KosCallContext) {
  kos::KosExchange result;
  {
    std::lock_guard lock{mutex_};
    requests_.push_back(request);
    auto& queue = queued_[request.operation];
    if (!queue.empty()) {
      result = std::move(queue.front());
      queue.pop_front();
    } else if (default_) {
      result = default_(request);
    } else {
      result = failure(kos::KosFailureKind::kTransport);
    }
  }
  co_return result;
}

int FakeKosTransport::calls(kos::KosOperation operation) const {
  std::lock_guard lock{mutex_};
  int count = 0;
  for (const auto& request : requests_) count += request.operation == operation;
  return count;
}

int FakeKosTransport::total_calls() const {
  std::lock_guard lock{mutex_};
  return int(requests_.size());
}

std::vector<kos::KosRequest> FakeKosTransport::requests() const {
  std::lock_guard lock{mutex_};
  return requests_;
}

}  // namespace phonebill::fakes
