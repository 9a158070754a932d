// bill-inquiry's Prometheus metrics, listed once (STYLE §12):
//   bill_cache_lookups_total{result="hit|stale|miss|error"}
//   bill_inquiries_total{source="CACHE|KOS|STALE_CACHE|FAILED"}
//   the KOS client's kos_* series (src/kos/kos_metrics.hpp)
//   bill_kos_gate_total{outcome="immediate|waited|queue_full|timed_out"} (bill fetches
//     admitted to KOS at once or after queueing, or refused; told by BillKosObserver)
//   bill_history_batches_total, bill_history_entries_total, bill_history_failed_total
//     (the history writer's own counters, read at scrape time: history_families())
//   bill_near_cache_hits_total, bill_near_cache_bills (the near cache's, read at scrape
//     time: near_cache_families())
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_lookup.hpp"
#include "http/scraped_family.hpp"
#include "resilience/queueing_bulkhead.hpp"

namespace prometheus {
class Registry;
class Counter;
template <typename T>
class Family;
}  // namespace prometheus

namespace phonebill::bill {

struct HistoryWriterCounters;
struct NearCacheCounters;

class BillMetrics {
 public:
  explicit BillMetrics(prometheus::Registry& registry);

  void cache_lookup(cache::CacheLookup lookup);
  void inquiry_answered(std::string_view source);  // CACHE, KOS, STALE_CACHE, FAILED
  void kos_gate(resilience::Admission admission);
  // The bill_history_* counters, read from `counters` whenever /metrics is scraped (for
  // http::Metrics::add_scraped).
  static std::vector<http::ScrapedFamily> history_families(
      std::function<HistoryWriterCounters()> counters);
  // The bill_near_cache_* series, read from `counters` whenever /metrics is scraped.
  static std::vector<http::ScrapedFamily> near_cache_families(
      std::function<NearCacheCounters()> counters);

 private:
  prometheus::Family<prometheus::Counter>& cache_;
  prometheus::Family<prometheus::Counter>& inquiries_;
  std::array<prometheus::Counter*, 4> cache_series_{};
  std::array<prometheus::Counter*, 4> gate_series_{};
  // bill_inquiries_total's series of the four sources, each created when first counted
  // (Family::Add builds a label map per call: a few mallocs and the mutex per inquiry).
  std::array<std::atomic<prometheus::Counter*>, 4> inquiry_series_{};
  std::mutex mutex_;  // guards lazy creation of labelled series
};

}  // namespace phonebill::bill
