// BillMetrics: see bill_metrics.hpp.
#include "bill_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace phonebill::bill {
namespace {

const prometheus::Histogram::BucketBoundaries kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,   0.25,   0.5,   1,    2.5,   5};
constexpr const char* kLookups[] = {"hit", "stale", "miss", "error"};
constexpr const char* kGateOutcomes[] = {"immediate", "waited", "queue_full", "timed_out"};

double seconds(const kos::KosAttempt& attempt) {
  return std::chrono::duration<double>(attempt.finished_at - attempt.started_at).count();
}

}  // namespace

BillMetrics::BillMetrics(prometheus::Registry& registry)
    : cache_(prometheus::BuildCounter().Name("bill_cache_lookups_total")
                 .Help("Bill cache lookups by result").Register(registry)),
      inquiries_(prometheus::BuildCounter().Name("bill_inquiries_total")
                     .Help("Bill inquiries answered, by source").Register(registry)),
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
                       .Help("KOS circuit breaker transitions by new state").Register(registry)),
      history_batches_(prometheus::BuildGauge().Name("bill_history_batches_total")
                           .Help("History transactions committed or failed").Register(registry)
                           .Add({})),
      history_entries_(prometheus::BuildGauge().Name("bill_history_entries_total")
                           .Help("History entries written").Register(registry).Add({})),
      history_failed_(prometheus::BuildGauge().Name("bill_history_failed_total")
                          .Help("History entries whose batch failed").Register(registry).Add({})) {
  for (std::size_t i = 0; i < std::size(kLookups); ++i)
    cache_series_[i] = &cache_.Add({{"result", kLookups[i]}});
  auto& gate = prometheus::BuildCounter()
                   .Name("bill_kos_gate_total")
                   .Help("Cache misses admitted to KOS at once or after queueing, or refused")
                   .Register(registry);
  for (std::size_t i = 0; i < std::size(kGateOutcomes); ++i)
    gate_series_[i] = &gate.Add({{"outcome", kGateOutcomes[i]}});
  for (auto operation : kos::kAllKosOperations) {
    std::string name{kos::to_string(operation)};
    duration_series_[std::size_t(operation)] = &kos_durations_.Add({{"operation", name}}, kBuckets);
  }
  // The breakers this service calls through (the menu's customer name is a product
  // inquiry); others appear only if they ever change state, so the ops page does not
  // list product.change under bill-inquiry.
  for (auto operation : {kos::KosOperation::kBillInquiry, kos::KosOperation::kAvailableMonths,
                         kos::KosOperation::kProductInquiry})
    circuit_state_.Add({{"operation", std::string{kos::to_string(operation)}}}).Set(0);
}

void BillMetrics::cache_lookup(CacheLookup lookup) { cache_series_[std::size_t(lookup)]->Increment(); }

void BillMetrics::kos_gate(KosGateAdmission admission) {
  gate_series_[std::size_t(admission)]->Increment();
}

void BillMetrics::inquiry_answered(const std::string& source) {
  std::lock_guard lock{mutex_};
  inquiries_.Add({{"source", source}}).Increment();
}

void BillMetrics::history_flushed(std::uint64_t batches, std::uint64_t entries,
                                  std::uint64_t failed) {
  history_batches_.Set(double(batches));
  history_entries_.Set(double(entries));
  history_failed_.Set(double(failed));
}

void BillMetrics::on_attempt(kos::KosOperation operation, const kos::KosAttempt& attempt) {
  std::string result = attempt.result_code ? std::string{kos::to_text(*attempt.result_code)}
                     : attempt.failure ? std::string{kos::to_string(*attempt.failure)}
                                       : std::string{"unknown"};
  duration_series_[std::size_t(operation)]->Observe(seconds(attempt));
  std::lock_guard lock{mutex_};
  kos_calls_.Add({{"operation", std::string{kos::to_string(operation)}}, {"result", result}})
      .Increment();
}

void BillMetrics::on_refused(kos::KosOperation operation, kos::KosFailureKind kind) {
  std::lock_guard lock{mutex_};
  kos_refused_.Add({{"operation", std::string{kos::to_string(operation)}},
                    {"reason", std::string{kos::to_string(kind)}}})
      .Increment();
}

void BillMetrics::on_transition(kos::KosOperation operation,
                                const resilience::BreakerTransition& transition) {
  std::string name{kos::to_string(operation)};
  std::lock_guard lock{mutex_};
  circuit_state_.Add({{"operation", name}}).Set(resilience::gauge_value(transition.to));
  transitions_.Add({{"operation", name}, {"to", std::string{resilience::to_string(transition.to)}}})
      .Increment();
}

}  // namespace phonebill::bill
