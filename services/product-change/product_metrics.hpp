// product-change's Prometheus metrics, listed once (STYLE §12):
//   product_cache_lookups_total{cache="catalogue|line", result="hit|miss|error"}
//   product_changes_total{result="COMPLETED|PENDING|FAILED|PRECHECK_FAILED|CHANGE_IN_PROGRESS"}
//   product_reconciled_total{status="COMPLETED|FAILED|WAITING|ERROR"}
//   kos_calls_total{operation, result}, kos_call_duration_seconds{operation},
//   kos_calls_refused_total{operation, reason}, kos_circuit_state{operation},
//   kos_circuit_transitions_total{operation, to}
#pragma once
#include <array>
#include <mutex>
#include <string>

#include "kos/resilient_kos_transport.hpp"
#include "product_cache.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace phonebill::product {

class ProductMetrics final : public kos::KosObserver {
 public:
  explicit ProductMetrics(prometheus::Registry& registry);

  void cache_lookup(const char* cache, CacheLookup lookup);  // "catalogue" or "line"
  void change_answered(const std::string& result);
  void reconciled(const std::string& status);

  void on_attempt(kos::KosOperation operation, const kos::KosAttempt& attempt) override;
  void on_refused(kos::KosOperation operation, kos::KosFailureKind kind) override;
  void on_transition(kos::KosOperation operation,
                     const resilience::BreakerTransition& transition) override;

 private:
  prometheus::Family<prometheus::Counter>& cache_;
  prometheus::Family<prometheus::Counter>& changes_;
  prometheus::Family<prometheus::Counter>& reconciled_;
  prometheus::Family<prometheus::Counter>& kos_calls_;
  prometheus::Family<prometheus::Histogram>& kos_durations_;
  prometheus::Family<prometheus::Counter>& kos_refused_;
  prometheus::Family<prometheus::Gauge>& circuit_state_;
  prometheus::Family<prometheus::Counter>& transitions_;
  std::array<prometheus::Histogram*, std::size(kos::kAllKosOperations)> duration_series_{};
  std::mutex mutex_;  // guards lazy creation of labelled series
};

}  // namespace phonebill::product
