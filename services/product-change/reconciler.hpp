// The reconciler (SPEC §6): settles every PENDING change, and every REQUESTED one older
// than `stale_after` (its request died: crash, kill -9, lost connection), by asking KOS
// for the order by requestId. COMPLETED / FAILED orders settle the record (a completed
// one also drops the line's cache); NOT_FOUND settles it as FAILED once it is stale (KOS
// never took it, nothing changed), else it is asked again next pass. Runs at start-up and
// every `interval`. Safe with several instances: each pass claims its batch with
// SELECT … FOR UPDATE SKIP LOCKED inside one transaction, so no two instances settle the
// same record and none waits for another. Entry points: start, stop, run_once.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>

#include "kos/kos_client.hpp"
#include "product_config.hpp"
#include "product_service.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::product {

struct ReconcilePass {
  int claimed = 0;   // unsettled records looked at
  int settled = 0;   // moved to COMPLETED / FAILED
  int waiting = 0;   // NOT_FOUND but not stale yet
  bool kos_failed = false;  // KOS did not answer: the rest waits for the next pass
  bool database_failed = false;
};

class Reconciler {
 public:
  // Every reference must outlive the reconciler. `metrics` may be null.
  Reconciler(boost::asio::io_context& io, storage::PgPool& pool, kos::KosClient& kos,
             ProductService& service, ReconcilerPolicy policy, ProductMetrics* metrics);

  // Spawns the loop: one pass at once, then one every interval, until stop().
  void start();
  // Ends the loop (a pass in progress finishes first, within a few seconds).
  boost::asio::awaitable<void> stop();
  // One pass over up to `batch` unsettled records.
  boost::asio::awaitable<ReconcilePass> run_once();

 private:
  boost::asio::awaitable<void> loop();

  storage::PgPool& pool_;
  kos::KosClient& kos_;
  ProductService& service_;
  ReconcilerPolicy policy_;
  ProductMetrics* metrics_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
};

}  // namespace phonebill::product
