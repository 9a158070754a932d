// The KOS client's Prometheus families, fed as the resilient transport's observer.
#include "kos/kos_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

namespace phonebill::kos {
namespace {

const prometheus::Histogram::BucketBoundaries kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,   0.25,   0.5,   1,    2.5,   5};

// The breaker's own name (ResilientKosTransport names them so).
std::string breaker_name(KosOperation operation) {
  return "kos." + std::string{to_string(operation)};
}

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
      breakers_(registry) {
  for (auto operation : kAllKosOperations)
    duration_series_[std::size_t(operation)] =
        &durations_.Add({{"operation", std::string{to_string(operation)}}}, kBuckets);
  for (auto operation : breakers_used)
    breakers_.set_state(breaker_name(operation),
                        resilience::to_string(resilience::BreakerState::kClosed));
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
  auto name = breaker_name(operation);
  breakers_.set_state(name, resilience::to_string(transition.to));
  breakers_.count_transition(name, resilience::to_string(transition.to));
}

}  // namespace phonebill::kos
