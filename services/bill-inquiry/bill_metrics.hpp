// bill-inquiry's Prometheus metrics, listed once (STYLE §12):
//   bill_cache_lookups_total{result="hit|stale|miss|error"}
//   bill_inquiries_total{source="CACHE|KOS|STALE_CACHE|FAILED"}
//   the KOS client's kos_* series (src/kos/kos_metrics.hpp)
//   bill_kos_gate_total{outcome="immediate|waited|queue_full|timed_out"} (bill fetches
//     admitted to KOS at once or after queueing, or refused; told by BillKosObserver)
//   bill_history_batches_total, bill_history_entries_total, bill_history_failed_total
#pragma once
#include <array>
#include <cstdint>
#include <mutex>
#include <string>

#include "cache/cache_lookup.hpp"
#include "resilience/queueing_bulkhead.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
template <typename T>
class Family;
}  // namespace prometheus

namespace phonebill::bill {

class BillMetrics {
 public:
  explicit BillMetrics(prometheus::Registry& registry);

  void cache_lookup(cache::CacheLookup lookup);
  void inquiry_answered(const std::string& source);  // CACHE, KOS, STALE_CACHE, FAILED
  void kos_gate(resilience::Admission admission);
  void history_flushed(std::uint64_t batches, std::uint64_t entries, std::uint64_t failed);

 private:
  prometheus::Family<prometheus::Counter>& cache_;
  prometheus::Family<prometheus::Counter>& inquiries_;
  prometheus::Gauge& history_batches_;
  prometheus::Gauge& history_entries_;
  prometheus::Gauge& history_failed_;
  std::array<prometheus::Counter*, 4> cache_series_{};
  std::array<prometheus::Counter*, 4> gate_series_{};
  std::mutex mutex_;  // guards lazy creation of labelled series
};

}  // namespace phonebill::bill
