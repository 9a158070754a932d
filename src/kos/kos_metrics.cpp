// The KOS client's Prometheus families, fed as the resilient transport's observer.
#include "kos/kos_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

namespace phonebill::kos {
namespace {

const prometheus::Histogram::BucketBoundaries kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,   0.25,   0.5,   1,    2.5,   5};

}  // namespace

KosMetrics::KosMetrics(prometheus::Registry& registry,
                       std::initializer_list<KosOperation> breakers_used)
    : calls_(prometheus::BuildCounter()
                 .Name("kos_calls_total")
                 .Help("KOS call attempts by operation and result code or failure")
                 .Register(registry)),
      durations_(prometheus::BuildHistogram()
                     .Name("kos_call_duration_seconds")
                     .Help("KOS call attempt latency")
                     .Register(registry)),
      refused_(prometheus::BuildCounter()
                   .Name("kos_calls_refused_total")
                   .Help("KOS calls refused before sending")
                   .Register(registry)),
      budget_(prometheus::BuildCounter()
                  .Name("kos_budget_total")
                  .Help("KOS calls through the fleet-wide calls/s budget, by verdict")
                  .Register(registry)),
      coalesced_(prometheus::BuildCounter()
                     .Name("kos_coalesced_total")
                     .Help("Cache misses coalesced across instances, by what this one did")
                     .Register(registry)),
      circuit_state_(prometheus::BuildGauge()
                         .Name("kos_circuit_state")
                         .Help("KOS circuit breaker: 0 closed, 1 open, 2 half-open")
                         .Register(registry)),
      transitions_(prometheus::BuildCounter()
                       .Name("kos_circuit_transitions_total")
                       .Help("KOS circuit breaker transitions by new state")
                       .Register(registry)) {
  for (auto operation : kAllKosOperations)
    duration_series_[std::size_t(operation)] =
        &durations_.Add({{"operation", std::string{to_string(operation)}}}, kBuckets);
  for (auto operation : breakers_used)
    circuit_state_.Add({{"operation", std::string{to_string(operation)}}}).Set(0);
}

void KosMetrics::on_attempt(KosOperation operation, const KosAttempt& attempt) {
  std::string result = attempt.result_code ? std::string{to_text(*attempt.result_code)}
                       : attempt.failure   ? std::string{to_string(*attempt.failure)}
                                           : std::string{"unknown"};
  duration_series_[std::size_t(operation)]->Observe(
      std::chrono::duration<double>(attempt.elapsed).count());
  std::lock_guard lock{mutex_};
  calls_.Add({{"operation", std::string{to_string(operation)}}, {"result", result}}).Increment();
}

void KosMetrics::on_refused(KosOperation operation, KosFailureKind kind) {
  std::lock_guard lock{mutex_};
  refused_
      .Add({{"operation", std::string{to_string(operation)}},
            {"reason", std::string{to_string(kind)}}})
      .Increment();
}

void KosMetrics::on_budget(KosOperation operation, resilience::BudgetVerdict verdict) {
  std::lock_guard lock{mutex_};
  budget_
      .Add({{"operation", std::string{to_string(operation)}},
            {"verdict", std::string{resilience::to_string(verdict)}}})
      .Increment();
}

void KosMetrics::on_coalesced(KosOperation operation, resilience::FleetRole role) {
  std::lock_guard lock{mutex_};
  coalesced_
      .Add({{"operation", std::string{to_string(operation)}},
            {"role", std::string{resilience::to_string(role)}}})
      .Increment();
}

void KosMetrics::on_transition(KosOperation operation,
                               const resilience::BreakerTransition& transition) {
  std::string name{to_string(operation)};
  std::lock_guard lock{mutex_};
  circuit_state_.Add({{"operation", name}}).Set(resilience::gauge_value(transition.to));
  transitions_.Add({{"operation", name}, {"to", std::string{resilience::to_string(transition.to)}}})
      .Increment();
}

}  // namespace phonebill::kos
