// The Reconciler's settings (PHONEBILL_PRODUCT_RECONCILE_*), in a header of their own so
// the configuration does not pull in the reconciler (and Asio).
#pragma once
#include <chrono>

namespace phonebill::product {

struct ReconcilerPolicy {
  std::chrono::milliseconds interval{15'000};     // between passes (SPEC: settle within a minute)
  std::chrono::milliseconds stale_after{30'000};  // a REQUESTED record older than this is orphaned
  int batch = 50;                                 // records claimed per pass, at most
  int concurrency = 8;                            // records settled at once (KOS calls in flight)
  // How long a claimed record is left to its claimer before another pass may take it
  // (a claimer that died). Longer than one record's work: an order lookup plus a
  // repeated change, each bounded by its KOS deadline (10 s), and two short writes.
  std::chrono::milliseconds lease{60'000};
};

}  // namespace phonebill::product
