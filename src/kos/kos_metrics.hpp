// The KOS client's Prometheus metrics, the same in every service that calls KOS
// (STYLE §12), fed by ResilientKosTransport as its KosObserver:
//   kos_calls_total{operation, result="0000|1001|...|timeout|transport"}
//   kos_call_duration_seconds{operation}
//   kos_calls_refused_total{operation, reason="circuit_open|bulkhead_full|budget_exhausted"}
//   kos_budget_total{operation, verdict="granted|waited|refused|unchecked"} (calls of an
//     operation with a fleet budget: within it at once, after waiting for a later window,
//     refused, or let through unchecked because Redis did not answer)
//   kos_coalesced_total{operation, role="holder|filled|taken_over|direct|gave_up"} (cache
//     misses coalesced across instances: made the KOS call, waited and got another
//     instance's fill, took over a lock freed without a fill, Redis down, deadline first)
//   phonebill_circuit_breaker_state{breaker="kos.<operation>", state} and
//   phonebill_circuit_breaker_transitions_total{breaker, to} (http/breaker_metrics.hpp,
//     the family the gateway's breakers share)
// The gateway's ops/status reads the last two. Entry point: KosMetrics.
#pragma once
#include <array>
#include <initializer_list>
#include <mutex>

#include "http/breaker_metrics.hpp"
#include "kos/resilient_kos_transport.hpp"

namespace prometheus {
class Registry;
class Counter;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace phonebill::kos {

class KosMetrics final : public KosObserver {
 public:
  // `breakers_used`: the operations this service calls, whose breaker state is exported
  // (closed) from the start; any other appears only once it changes state.
  KosMetrics(prometheus::Registry& registry, std::initializer_list<KosOperation> breakers_used);

  void on_attempt(KosOperation operation, const KosAttempt& attempt) override;
  void on_refused(KosOperation operation, KosFailureKind kind) override;
  void on_budget(KosOperation operation, resilience::BudgetVerdict verdict) override;
  void on_coalesced(KosOperation operation, resilience::FleetRole role) override;
  void on_transition(KosOperation operation,
                     const resilience::BreakerTransition& transition) override;

 private:
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Family<prometheus::Counter>& refused_;
  prometheus::Family<prometheus::Counter>& budget_;
  prometheus::Family<prometheus::Counter>& coalesced_;
  http::BreakerMetrics breakers_;
  std::array<prometheus::Histogram*, std::size(kAllKosOperations)> duration_series_{};
  std::mutex mutex_;  // guards lazy creation of labelled series
};

}  // namespace phonebill::kos
