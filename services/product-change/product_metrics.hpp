// product-change's Prometheus metrics, listed once (STYLE §12):
//   product_cache_lookups_total{cache="catalogue|line", result="hit|miss|error"}
//   product_changes_total{result="COMPLETED|PENDING|FAILED|PRECHECK_FAILED|CHANGE_IN_PROGRESS"}
//   product_reconciled_total{status="COMPLETED|FAILED|WAITING|ERROR"}
//   the KOS client's kos_* series (src/kos/kos_metrics.hpp)
#pragma once
#include <mutex>
#include <string>

#include "cache/cache_lookup.hpp"

namespace prometheus {
class Registry;
class Counter;
template <typename T>
class Family;
}  // namespace prometheus

namespace phonebill::product {

using cache::CacheLookup;

class ProductMetrics {
 public:
  explicit ProductMetrics(prometheus::Registry& registry);

  void cache_lookup(const char* cache, CacheLookup lookup);  // "catalogue" or "line"
  void change_answered(const std::string& result);
  void reconciled(const std::string& status);

 private:
  prometheus::Family<prometheus::Counter>& cache_;
  prometheus::Family<prometheus::Counter>& changes_;
  prometheus::Family<prometheus::Counter>& reconciled_;
  std::mutex mutex_;  // guards lazy creation of labelled series
};

}  // namespace phonebill::product
