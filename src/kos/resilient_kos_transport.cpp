// ResilientKosTransport: deadline → the fleet budget → the operation's queue → bulkhead →
// retry loop → breaker permit → inner transport. See resilient_kos_transport.hpp.
#include "kos/resilient_kos_transport.hpp"

#include <cctype>

#include "core/log.hpp"
#include "http/sleep.hpp"
#include "tracing/hand_over.hpp"
#include "tracing/span.hpp"

namespace phonebill::kos {
namespace {

// A failure the breaker counts (SPEC §7): no answer, a broken answer, or 9999.
bool counts_against_breaker(const KosExchange& exchange) {
  if (!exchange.failure) return false;
  auto kind = exchange.failure->kind;
  return kind == KosFailureKind::kTimeout || kind == KosFailureKind::kTransport ||
         kind == KosFailureKind::kSystemError;
}

bool retryable(const KosExchange& exchange) {
  if (!exchange.failure) return false;
  auto kind = exchange.failure->kind;
  return kind == KosFailureKind::kTransport || kind == KosFailureKind::kSystemError;
}

KosExchange refused(KosFailureKind kind, std::string message, std::string circuit_state,
                    SystemTime started, SystemTime now, int number,
                    std::chrono::milliseconds retry_after = {}) {
  KosExchange result;
  result.failure = KosFailure{kind, message, retry_after};
  KosAttempt attempt;
  attempt.number = number;
  attempt.started_at = started;
  attempt.finished_at = now;
  attempt.failure = kind;
  attempt.result_message = std::move(message);
  attempt.circuit_state = std::move(circuit_state);
  result.attempts.push_back(std::move(attempt));
  return result;
}

// PHONEBILL_KOS_BUDGET_BILL_INQUIRY_PER_SECOND for "bill.inquiry".
std::string budget_variable(KosOperation operation) {
  std::string name{to_string(operation)};
  for (auto& letter : name) letter = letter == '.' ? '_' : char(std::toupper(letter));
  return "PHONEBILL_KOS_BUDGET_" + name + "_PER_SECOND";
}

}  // namespace

KosResilienceOptions KosResilienceOptions::from_environment(const Environment& environment) {
  KosResilienceOptions options;
  options.breaker = resilience::CircuitBreakerOptions::from_environment(
      environment, "PHONEBILL_KOS_BREAKER", options.breaker);
  options.retry =
      resilience::RetryPolicy::from_environment(environment, "PHONEBILL_KOS_RETRY", options.retry);
  options.inquiry_timeout = std::chrono::milliseconds{environment.integer(
      "PHONEBILL_KOS_INQUIRY_TIMEOUT_MS", options.inquiry_timeout.count(), 1, 600'000)};
  options.change_timeout = std::chrono::milliseconds{environment.integer(
      "PHONEBILL_KOS_CHANGE_TIMEOUT_MS", options.change_timeout.count(), 1, 600'000)};
  options.max_concurrent_calls = int(environment.integer("PHONEBILL_KOS_MAX_CONCURRENT",
                                                         options.max_concurrent_calls, 1, 100'000));
  for (auto operation : kAllKosOperations) {
    auto per_second = environment.integer(budget_variable(operation), 0, 0, 1'000'000);
    if (per_second > 0) options.budget_per_second[operation] = int(per_second);
  }
  options.fleet_redis_timeout =
      environment.milliseconds("PHONEBILL_KOS_FLEET_REDIS_TIMEOUT_MS", options.fleet_redis_timeout,
                               std::chrono::milliseconds{1}, std::chrono::milliseconds{10'000});
  // A holder's lock outlives its whole inquiry (the timeout bounds it) by a margin.
  auto coalescing = options.coalescing;
  coalescing.lock_ttl = options.inquiry_timeout + std::chrono::milliseconds{500};
  options.coalescing = resilience::FleetCoalescingOptions::from_environment(
      environment, "PHONEBILL_KOS_COALESCE", coalescing);
  return options;
}

ResilientKosTransport::ResilientKosTransport(KosTransport& inner, KosResilienceOptions options,
                                             const Clock& clock, Random& random,
                                             resilience::Pause pause, resilience::SteadyNow now)
    : inner_(inner),
      options_(std::move(options)),
      clock_(clock),
      random_(random),
      pause_(pause ? std::move(pause) : resilience::Pause{[](std::chrono::milliseconds delay) {
        return http::sleep_for(delay);
      }}),
      now_(now ? std::move(now)
               : resilience::SteadyNow{[] { return std::chrono::steady_clock::now(); }}),
      bulkhead_("kos", options_.max_concurrent_calls) {
  for (auto [operation, queue] : options_.queues) {
    queue.capacity = std::min(queue.capacity, options_.max_concurrent_calls);
    queues_[std::size_t(operation)] = std::make_unique<resilience::QueueingBulkhead>(queue);
  }
  for (auto operation : kAllKosOperations) {
    auto listener = [this, operation](const resilience::BreakerTransition& transition) {
      log::warn("kos_circuit_transition",
                {{"operation", to_string(operation)},
                 {"from", resilience::to_string(transition.from)},
                 {"to", resilience::to_string(transition.to)},
                 {"consecutiveFailures", transition.consecutive_failures}});
      if (auto* observer = observer_.load()) observer->on_transition(operation, transition);
    };
    breakers_[std::size_t(operation)] = std::make_unique<resilience::CircuitBreaker>(
        "kos." + std::string{to_string(operation)}, options_.breaker, clock, listener);
  }
}

ResilientKosTransport::~ResilientKosTransport() = default;

const resilience::CircuitBreaker& ResilientKosTransport::breaker(KosOperation operation) const {
  return *breakers_[std::size_t(operation)];
}

boost::asio::awaitable<KosExchange> ResilientKosTransport::attempt_once(
    const KosRequest& request, const KosCallContext& context, int number) {
  auto& breaker = *breakers_[std::size_t(request.operation)];
  auto state = std::string{resilience::to_string(breaker.state())};
  // One span per attempt, with the breaker's state as it admitted (or refused) it; KOS
  // sees this span as its caller.
  auto span = tracing::Span::child_of("kos " + std::string{to_string(request.operation)},
                                      tracing::SpanKind::kClient, context.traceparent);
  span.set_attribute("phonebill.kos.attempt", std::int64_t{number});
  span.set_attribute("phonebill.kos.breaker_state", state);
  auto permit = breaker.try_acquire();
  if (!permit) {
    span.set_error("circuit open");
    if (auto* observer = observer_.load())
      observer->on_refused(request.operation, KosFailureKind::kCircuitOpen);
    auto now = clock_.now();
    co_return refused(KosFailureKind::kCircuitOpen, "circuit open", state, now, now, number,
                      permit.retry_after());
  }
  auto sent = context;
  sent.traceparent = span.traceparent_or(context.traceparent);
  auto exchange = co_await inner_.exchange(request, sent);
  if (exchange.failure) {
    span.set_error(std::string{to_string(exchange.failure->kind)});
  } else {
    span.set_attribute("phonebill.kos.result_code", std::string{to_text(exchange.code)});
  }
  if (counts_against_breaker(exchange)) {
    permit.fail();
  } else {
    permit.succeed();
  }
  for (auto& attempt : exchange.attempts) {
    attempt.number = number;
    attempt.circuit_state = state;
    if (auto* observer = observer_.load()) observer->on_attempt(request.operation, attempt);
  }
  co_return exchange;
}

KosExchange ResilientKosTransport::refuse_full(KosOperation operation, std::string message,
                                               SystemTime started) const {
  if (auto* observer = observer_.load())
    observer->on_refused(operation, KosFailureKind::kBulkheadFull);
  return refused(KosFailureKind::kBulkheadFull, std::move(message),
                 std::string{resilience::to_string(breaker(operation).state())}, started,
                 clock_.now(), 1);
}

boost::asio::awaitable<ResilientKosTransport::Admitted> ResilientKosTransport::admit(
    KosOperation operation, Deadline deadline) {
  Admitted admitted;
  auto started = clock_.now();
  if (auto& queue = queues_[std::size_t(operation)]) {
    auto admission = resilience::Admission::kImmediate;
    admitted.ticket = co_await queue->enter(deadline, admission);
    if (auto* observer = observer_.load()) observer->on_admission(operation, admission);
    if (!admitted.ticket) {
      admitted.refusal = refuse_full(operation,
                                     admission == resilience::Admission::kQueueFull
                                         ? "KOS queue full"
                                         : "no KOS slot within the queue wait",
                                     started);
      co_return admitted;
    }
  }
  admitted.slot = bulkhead_.try_enter();
  if (!admitted.slot)
    admitted.refusal = refuse_full(operation, "too many KOS calls in flight", started);
  co_return admitted;
}

boost::asio::awaitable<std::optional<KosExchange>> ResilientKosTransport::take_budget(
    KosOperation operation, Deadline deadline) {
  auto found = options_.budget_per_second.find(operation);
  if (budget_counter_ == nullptr || found == options_.budget_per_second.end())
    co_return std::nullopt;
  // An open circuit refuses at once without sending: it spends no budget.
  if (breaker(operation).state() == resilience::BreakerState::kOpen) co_return std::nullopt;
  auto started = clock_.now();
  auto verdict = co_await resilience::take_budget(
      *budget_counter_, std::string{to_string(operation)}, found->second, deadline,
      options_.retry.minimum_attempt_time, pause_, now_);
  auto* observer = observer_.load();
  if (observer) observer->on_budget(operation, verdict);
  if (resilience::admitted(verdict)) co_return std::nullopt;
  if (observer) observer->on_refused(operation, KosFailureKind::kBudgetExhausted);
  co_return refused(KosFailureKind::kBudgetExhausted,
                    "KOS budget of " + std::to_string(found->second) + " calls/s used up",
                    std::string{resilience::to_string(breaker(operation).state())}, started,
                    clock_.now(), 1, std::chrono::seconds{1});
}

boost::asio::awaitable<KosExchange> ResilientKosTransport::exchange(KosRequest request,
                                                                    KosCallContext context) {
  // The whole call, budget wait and queueing included, ends by the operation's timeout.
  context.deadline = std::min(context.deadline, now_() + options_.timeout(request.operation));
  // The fleet budget's Redis command belongs to this call's trace.
  tracing::hand_over(context.traceparent);
  if (auto refusal = co_await take_budget(request.operation, context.deadline))
    co_return std::move(*refusal);
  auto admitted = co_await admit(request.operation, context.deadline);
  if (admitted.refusal) co_return std::move(*admitted.refusal);
  std::vector<KosAttempt> attempts;
  auto attempt = [&](int number) -> boost::asio::awaitable<KosExchange> {
    auto result = co_await attempt_once(request, context, number);
    for (auto& one : result.attempts) attempts.push_back(one);
    co_return result;
  };
  auto judge = [](const KosExchange& result) {
    return retryable(result) ? resilience::AttemptVerdict::kRetryable
                             : resilience::AttemptVerdict::kDone;
  };
  auto result = co_await resilience::run_with_retry<KosExchange>(
      options_.retry, random_, context.deadline, attempt, judge, pause_, now_);
  result.attempts = std::move(attempts);
  co_return result;
}

}  // namespace phonebill::kos
