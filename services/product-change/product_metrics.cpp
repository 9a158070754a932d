// product-change's Prometheus counters: see product_metrics.hpp.
#include "product_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

namespace phonebill::product {
namespace {

const char* lookup_text(CacheLookup lookup) {
  switch (lookup) {
    case CacheLookup::kHit:
      return "hit";
    case CacheLookup::kStale:  // product-change serves no stale copies; kept for the enum
      return "stale";
    case CacheLookup::kMiss:
      return "miss";
    case CacheLookup::kError:
      return "error";
  }
  return "error";
}

}  // namespace

ProductMetrics::ProductMetrics(prometheus::Registry& registry)
    : cache_(prometheus::BuildCounter()
                 .Name("product_cache_lookups_total")
                 .Help("Product cache lookups by cache and result")
                 .Register(registry)),
      changes_(prometheus::BuildCounter()
                   .Name("product_changes_total")
                   .Help("Plan changes answered, by result")
                   .Register(registry)),
      reconciled_(prometheus::BuildCounter()
                      .Name("product_reconciled_total")
                      .Help("Unsettled changes looked at by the reconciler, by outcome")
                      .Register(registry)) {}

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

}  // namespace phonebill::product
