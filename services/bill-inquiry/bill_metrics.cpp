// BillMetrics: bill-inquiry's Prometheus series (see bill_metrics.hpp).
#include "bill_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "group_commit_writer.hpp"
#include "near_bill_cache.hpp"

namespace phonebill::bill {
namespace {

constexpr const char* kLookups[] = {"hit", "stale", "miss", "error"};
constexpr const char* kGateOutcomes[] = {"immediate", "waited", "queue_full", "timed_out"};
constexpr std::string_view kSources[] = {"CACHE", "KOS", "STALE_CACHE", "FAILED"};

}  // namespace

BillMetrics::BillMetrics(prometheus::Registry& registry)
    : cache_(prometheus::BuildCounter()
                 .Name("bill_cache_lookups_total")
                 .Help("Bill cache lookups by result")
                 .Register(registry)),
      inquiries_(prometheus::BuildCounter()
                     .Name("bill_inquiries_total")
                     .Help("Bill inquiries answered, by source")
                     .Register(registry)) {
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

void BillMetrics::inquiry_answered(std::string_view source) {
  for (std::size_t i = 0; i < std::size(kSources); ++i) {
    if (source != kSources[i]) continue;
    auto* series = inquiry_series_[i].load(std::memory_order_acquire);
    if (series == nullptr) {
      std::lock_guard lock{mutex_};
      series = &inquiries_.Add({{"source", std::string{source}}});
      inquiry_series_[i].store(series, std::memory_order_release);
    }
    series->Increment();
    return;
  }
  std::lock_guard lock{mutex_};
  inquiries_.Add({{"source", std::string{source}}}).Increment();
}

std::vector<http::ScrapedFamily> BillMetrics::history_families(
    std::function<HistoryWriterCounters()> counters) {
  auto one = [counters](auto field) {
    return [counters, field] {
      return std::vector<http::ScrapedSample>{{{}, double(counters().*field)}};
    };
  };
  using Counters = HistoryWriterCounters;
  return {
      {"bill_history_batches_total", "History transactions committed or failed",
       http::ScrapedKind::kCounter, one(&Counters::batches)},
      {"bill_history_entries_total", "History entries sent to the database (failed ones included)",
       http::ScrapedKind::kCounter, one(&Counters::entries)},
      {"bill_history_failed_total", "History entries whose batch failed",
       http::ScrapedKind::kCounter, one(&Counters::failed_entries)},
  };
}

std::vector<http::ScrapedFamily> BillMetrics::near_cache_families(
    std::function<NearCacheCounters()> counters) {
  return {
      {"bill_near_cache_hits_total", "Bill look-ups answered from this instance's near cache",
       http::ScrapedKind::kCounter,
       [counters] {
         return std::vector<http::ScrapedSample>{{{}, double(counters().hits)}};
       }},
      {"bill_near_cache_bills", "Bills this instance's near cache holds",
       http::ScrapedKind::kGauge,
       [counters] {
         return std::vector<http::ScrapedSample>{{{}, double(counters().held)}};
       }},
  };
}

}  // namespace phonebill::bill
