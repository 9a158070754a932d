// bill-inquiry's Prometheus metrics, listed once (STYLE §12):
//   bill_cache_lookups_total{result="hit|stale|miss|error"}
//   bill_inquiries_total{source="CACHE|KOS|STALE_CACHE|FAILED"}
//   kos_calls_total{operation, result="0000|1001|...|timeout|transport"}
//   kos_call_duration_seconds{operation}
//   kos_calls_refused_total{operation, reason="circuit_open|bulkhead_full"}
//   kos_circuit_state{operation} (0 closed, 1 open, 2 half-open)
//   kos_circuit_transitions_total{operation, to}
//   bill_kos_gate_total{outcome="immediate|waited|queue_full|timed_out"} (cache misses
//     admitted to KOS at once or after queueing, or refused)
//   bill_history_batches_total, bill_history_entries_total, bill_history_failed_total
#pragma once
#include <map>
#include <mutex>
#include <string>

#include "bill_cache.hpp"
#include "kos_gate.hpp"
#include "kos/resilient_kos_transport.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace phonebill::bill {

class BillMetrics final : public kos::KosObserver {
 public:
  explicit BillMetrics(prometheus::Registry& registry);

  void cache_lookup(CacheLookup lookup);
  void inquiry_answered(const std::string& source);  // CACHE, KOS, STALE_CACHE, FAILED
  void kos_gate(KosGateAdmission admission);
  void history_flushed(std::uint64_t batches, std::uint64_t entries, std::uint64_t failed);

  void on_attempt(kos::KosOperation operation, const kos::KosAttempt& attempt) override;
  void on_refused(kos::KosOperation operation, kos::KosFailureKind kind) override;
  void on_transition(kos::KosOperation operation,
                     const resilience::BreakerTransition& transition) override;

 private:
  prometheus::Family<prometheus::Counter>& cache_;
  prometheus::Family<prometheus::Counter>& inquiries_;
  prometheus::Family<prometheus::Counter>& kos_calls_;
  prometheus::Family<prometheus::Histogram>& kos_durations_;
  prometheus::Family<prometheus::Counter>& kos_refused_;
  prometheus::Family<prometheus::Gauge>& circuit_state_;
  prometheus::Family<prometheus::Counter>& transitions_;
  prometheus::Gauge& history_batches_;
  prometheus::Gauge& history_entries_;
  prometheus::Gauge& history_failed_;
  std::array<prometheus::Counter*, 4> cache_series_{};
  std::array<prometheus::Counter*, 4> gate_series_{};
  std::array<prometheus::Histogram*, std::size(kos::kAllKosOperations)> duration_series_{};
  std::mutex mutex_;  // guards lazy creation of labelled series
};

}  // namespace phonebill::bill
