// The SPEC §7 rules around any KosTransport, as one admission chain: an operation with a
// fleet-wide budget first takes a call from it (shared by every instance, in Redis: over
// budget the call waits for the next window while its deadline allows, else it is
// refused as kBudgetExhausted before anything is sent; Redis not answering admits it),
// then an operation may have a queueing bulkhead of its own (a burst beyond its cap waits briefly,
// bounded in length and time, the wait counting against the call's deadline), then a bulkhead caps
// all KOS calls in flight (excess: kBulkheadFull at once) — a refusal by either is an
// ordinary kBulkheadFull failure with its attempt record — each operation has its own circuit
// breaker (timeouts, transport errors, 5xx and 9999 count; business codes and 9001 do
// not), the whole call — retries included — ends by min(caller's deadline, the
// operation's timeout: 3 s inquiries, 5 s change), and transport errors and 9999 are
// retried at most twice with jittered backoff (a change is resent with the same
// requestId, on which KOS is idempotent). Transitions are logged and reported to a
// KosObserver (metrics). Entry points: ResilientKosTransport, KosResilienceOptions.
#pragma once
#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/random.hpp"
#include "kos/kos_client.hpp"
#include "resilience/bulkhead.hpp"
#include "resilience/circuit_breaker.hpp"
#include "resilience/fleet_coalescing.hpp"
#include "resilience/queueing_bulkhead.hpp"
#include "resilience/retry.hpp"
#include "resilience/shared_budget.hpp"

namespace phonebill::kos {

struct KosResilienceOptions {
  resilience::CircuitBreakerOptions breaker;
  resilience::RetryPolicy retry;
  std::chrono::milliseconds inquiry_timeout{3'000};  // every operation but the change
  std::chrono::milliseconds change_timeout{5'000};
  int max_concurrent_calls = 256;  // bulkhead size (per process)
  // Operations whose calls queue for a place of their own before the bulkhead (none by
  // default: bill-inquiry queues its bill fetches). Capacity is capped at the bulkhead.
  std::map<KosOperation, resilience::QueueingBulkheadOptions> queues;
  // Calls per second of an operation across the whole fleet (absent or 0: no budget).
  // Checked once per call, before its first attempt: a change is never refused after it
  // was sent, and its retries (same requestId) are not refused either.
  std::map<KosOperation, int> budget_per_second;
  // Each Redis command of the budget and of the coalescing lock ends by this.
  std::chrono::milliseconds fleet_redis_timeout{250};  // as the bill cache's
  // Cross-instance coalescing of cache misses (used by the services' cached reads).
  resilience::FleetCoalescingOptions coalescing;

  std::chrono::milliseconds timeout(KosOperation operation) const {
    return is_change(operation) ? change_timeout : inquiry_timeout;
  }

  // PHONEBILL_KOS_BREAKER_{FAILURE_THRESHOLD,OPEN_MS,HALF_OPEN_TRIALS},
  // PHONEBILL_KOS_RETRY_{MAX_RETRIES,BASE_DELAY_MS,MAX_DELAY_MS},
  // PHONEBILL_KOS_INQUIRY_TIMEOUT_MS, PHONEBILL_KOS_CHANGE_TIMEOUT_MS,
  // PHONEBILL_KOS_MAX_CONCURRENT, PHONEBILL_KOS_BUDGET_<OPERATION>_PER_SECOND (operation
  // as kos-sim names it, upper case, '.' → '_': BILL_INQUIRY, PRODUCT_CHANGE, ...),
  // PHONEBILL_KOS_FLEET_REDIS_TIMEOUT_MS, PHONEBILL_KOS_COALESCE_{ENABLED,LOCK_MS,POLL_MS,
  // MAX_POLL_MS,MIN_CALL_MS}. Throws ConfigError.
  static KosResilienceOptions from_environment(const Environment& environment);
};

// Told about every attempt and transition (metrics). Called on I/O threads: be quick.
class KosObserver {
 public:
  virtual ~KosObserver() = default;
  // An attempt that reached KOS (or timed out trying): latency and code / failure.
  virtual void on_attempt(KosOperation operation, const KosAttempt& attempt) = 0;
  // A call refused before sending (kCircuitOpen, kBulkheadFull).
  virtual void on_refused(KosOperation operation, KosFailureKind kind) = 0;
  // How a call of a queueing operation was admitted (refusals are also on_refused).
  virtual void on_admission(KosOperation /*operation*/, resilience::Admission /*admission*/) {}
  // How a call of an operation with a fleet budget got through it (refusals are also
  // on_refused with kBudgetExhausted).
  virtual void on_budget(KosOperation /*operation*/, resilience::BudgetVerdict /*verdict*/) {}
  // What a cached read did in the cross-instance coalescing (told by the services).
  virtual void on_coalesced(KosOperation /*operation*/, resilience::FleetRole /*role*/) {}
  virtual void on_transition(KosOperation operation,
                             const resilience::BreakerTransition& transition) = 0;
};

class ResilientKosTransport final : public KosTransport {
 public:
  // `inner`, `clock` and `random` must outlive it. `pause` waits between attempts and
  // `now` reads the steady clock (tests inject both; defaults: a real timer, steady_clock).
  ResilientKosTransport(KosTransport& inner, KosResilienceOptions options, const Clock& clock,
                        Random& random, resilience::Pause pause = {},
                        resilience::SteadyNow now = {});
  ~ResilientKosTransport() override;

  boost::asio::awaitable<KosExchange> exchange(KosRequest request, KosCallContext context) override;

  // Set before serving; nullptr: none.
  void set_observer(KosObserver* observer) { observer_.store(observer); }
  // The fleet's shared counter (Redis); set before serving. nullptr: budgets unchecked.
  void set_budget_counter(resilience::BudgetCounter* counter) { budget_counter_ = counter; }
  const resilience::CircuitBreaker& breaker(KosOperation operation) const;
  const resilience::Bulkhead& bulkhead() const { return bulkhead_; }
  // The operation's queueing bulkhead; nullptr when it has none.
  const resilience::QueueingBulkhead* queue(KosOperation operation) const {
    return queues_[std::size_t(operation)].get();
  }
  const KosResilienceOptions& options() const { return options_; }

 private:
  // A place in the operation's queue (if it has one) and in the bulkhead, or the refusal.
  struct Admitted {
    resilience::QueueingBulkhead::Ticket ticket;  // empty when the operation has no queue
    resilience::Bulkhead::Slot slot;
    std::optional<KosExchange> refusal;  // set when not admitted
  };
  boost::asio::awaitable<Admitted> admit(KosOperation operation, Deadline deadline);
  // A refusal when the operation's fleet budget has no room before `deadline`.
  boost::asio::awaitable<std::optional<KosExchange>> take_budget(KosOperation operation,
                                                                 Deadline deadline);
  KosExchange refuse_full(KosOperation operation, std::string message, SystemTime started) const;
  boost::asio::awaitable<KosExchange> attempt_once(const KosRequest& request,
                                                   const KosCallContext& context, int number);

  KosTransport& inner_;
  const KosResilienceOptions options_;
  const Clock& clock_;
  Random& random_;
  resilience::Pause pause_;
  resilience::SteadyNow now_;
  std::atomic<KosObserver*> observer_{nullptr};
  resilience::BudgetCounter* budget_counter_ = nullptr;
  resilience::Bulkhead bulkhead_;
  std::array<std::unique_ptr<resilience::CircuitBreaker>, std::size(kAllKosOperations)> breakers_;
  std::array<std::unique_ptr<resilience::QueueingBulkhead>, std::size(kAllKosOperations)> queues_;
};

}  // namespace phonebill::kos
