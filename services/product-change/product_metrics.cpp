// ProductMetrics: see product_metrics.hpp.
#include "product_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace phonebill::product {
namespace {

const prometheus::Histogram::BucketBoundaries kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,   0.25,   0.5,   1,    2.5,   5};

const char* lookup_text(CacheLookup lookup) {
  switch (lookup) {
    case CacheLookup::kHit: return "hit";
    case CacheLookup::kMiss: return "miss";
    case CacheLookup::kError: return "error";
  }
  return "error";
}

}  // namespace

ProductMetrics::ProductMetrics(prometheus::Registry& registry)
    : cache_(prometheus::BuildCounter().Name("product_cache_lookups_total")
                 .Help("Product cache lookups by cache and result").Register(registry)),
      changes_(prometheus::BuildCounter().Name("product_changes_total")
                   .Help("Plan changes answered, by result").Register(registry)),
      reconciled_(prometheus::BuildCounter().Name("product_reconciled_total")
                      .Help("Unsettled changes looked at by the reconciler, by outcome")
                      .Register(registry)),
      kos_calls_(prometheus::BuildCounter().Name("kos_calls_total")
                     .Help("KOS call attempts by operation and result code or failure")
                     .Register(registry)),
      kos_durations_(prometheus::BuildHistogram().Name("kos_call_duration_seconds")
                         .Help("KOS call attempt latency").Register(registry)),
      kos_refused_(prometheus::BuildCounter().Name("kos_calls_refused_total")
                       .Help("KOS calls refused before sending").Register(registry)),
      circuit_state_(prometheus::BuildGauge().Name("kos_circuit_state")
                         .Help("KOS circuit breaker: 0 closed, 1 open, 2 half-open")
                         .Register(registry)),
      transitions_(prometheus::BuildCounter().Name("kos_circuit_transitions_total")
                       .Help("KOS circuit breaker transitions by new state").Register(registry)) {
  for (auto operation : kos::kAllKosOperations) {
    std::string name{kos::to_string(operation)};
    duration_series_[std::size_t(operation)] = &kos_durations_.Add({{"operation", name}}, kBuckets);
  }
  // The breakers this service calls through; others appear only if they ever change
  // state, so the ops page does not list bill.inquiry under product-change.
  for (auto operation : {kos::KosOperation::kProductInquiry, kos::KosOperation::kProductList,
                         kos::KosOperation::kProductChange, kos::KosOperation::kOrderLookup})
    circuit_state_.Add({{"operation", std::string{kos::to_string(operation)}}}).Set(0);
}

void ProductMetrics::cache_lookup(const char* cache, CacheLookup lookup) {
  std::lock_guard lock{mutex_};
  cache_.Add({{"cache", cache}, {"result", lookup_text(lookup)}}).Increment();
}

void ProductMetrics::change_answered(const std::string& result) {
  std::lock_guard lock{mutex_};
  changes_.Add({{"result", result}}).Increment();
}

void ProductMetrics::reconciled(const std::string& status) {
  std::lock_guard lock{mutex_};
  reconciled_.Add({{"status", status}}).Increment();
}

void ProductMetrics::on_attempt(kos::KosOperation operation, const kos::KosAttempt& attempt) {
  std::string result = attempt.result_code ? std::string{kos::to_text(*attempt.result_code)}
                     : attempt.failure ? std::string{kos::to_string(*attempt.failure)}
                                       : std::string{"unknown"};
  duration_series_[std::size_t(operation)]->Observe(
      std::chrono::duration<double>(attempt.finished_at - attempt.started_at).count());
  std::lock_guard lock{mutex_};
  kos_calls_.Add({{"operation", std::string{kos::to_string(operation)}}, {"result", result}})
      .Increment();
}

void ProductMetrics::on_refused(kos::KosOperation operation, kos::KosFailureKind kind) {
  std::lock_guard lock{mutex_};
  kos_refused_.Add({{"operation", std::string{kos::to_string(operation)}},
                    {"reason", std::string{kos::to_string(kind)}}})
      .Increment();
}

void ProductMetrics::on_transition(kos::KosOperation operation,
                                   const resilience::BreakerTransition& transition) {
  std::string name{kos::to_string(operation)};
  std::lock_guard lock{mutex_};
  circuit_state_.Add({{"operation", name}}).Set(resilience::gauge_value(transition.to));
  transitions_.Add({{"operation", name}, {"to", std::string{resilience::to_string(transition.to)}}})
      .Increment();
}

}  // namespace phonebill::product
