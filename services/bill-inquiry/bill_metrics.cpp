// BillMetrics: bill-inquiry's Prometheus series (see bill_metrics.hpp).
#include "bill_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace phonebill::bill {
namespace {

constexpr const char* kLookups[] = {"hit", "stale", "miss", "error"};
constexpr const char* kGateOutcomes[] = {"immediate", "waited", "queue_full", "timed_out"};

}  // namespace

BillMetrics::BillMetrics(prometheus::Registry& registry)
    : cache_(prometheus::BuildCounter()
                 .Name("bill_cache_lookups_total")
                 .Help("Bill cache lookups by result")
                 .Register(registry)),
      inquiries_(prometheus::BuildCounter()
                     .Name("bill_inquiries_total")
                     .Help("Bill inquiries answered, by source")
                     .Register(registry)),
      history_batches_(prometheus::BuildGauge()
                           .Name("bill_history_batches_total")
                           .Help("History transactions committed or failed")
                           .Register(registry)
                           .Add({})),
      history_entries_(prometheus::BuildGauge()
                           .Name("bill_history_entries_total")
                           .Help("History entries written")
                           .Register(registry)
                           .Add({})),
      history_failed_(prometheus::BuildGauge()
                          .Name("bill_history_failed_total")
                          .Help("History entries whose batch failed")
                          .Register(registry)
                          .Add({})) {
  for (std::size_t i = 0; i < std::size(kLookups); ++i)
    cache_series_[i] = &cache_.Add({{"result", kLookups[i]}});
  auto& gate = prometheus::BuildCounter()
                   .Name("bill_kos_gate_total")
                   .Help("Cache misses admitted to KOS at once or after queueing, or refused")
                   .Register(registry);
  for (std::size_t i = 0; i < std::size(kGateOutcomes); ++i)
    gate_series_[i] = &gate.Add({{"outcome", kGateOutcomes[i]}});
}

void BillMetrics::cache_lookup(cache::CacheLookup lookup) {
  cache_series_[std::size_t(lookup)]->Increment();
}

void BillMetrics::kos_gate(resilience::Admission admission) {
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

}  // namespace phonebill::bill
