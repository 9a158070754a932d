// The reconciler (SPEC §6): settles every PENDING change, and every REQUESTED one older
// than `stale_after` (its request died: crash, kill -9, lost connection), by asking KOS
// for the order by requestId. COMPLETED / FAILED orders settle the record (a completed
// one also drops the line's cache). NOT_FOUND is not a failure — a real KOS may still
// apply an order it has not recorded — so the same change is sent again under the same
// requestId (KOS applies it at most once) and KOS's answer is recorded; an unknown
// answer leaves the record for the next pass.
// Each record is claimed with a lease in its own short statement, KOS is called outside
// any transaction, and the outcome is written in its own short statement guarded by the
// expected status: a slow KOS never holds a transaction open, rolls anything back or
// makes a pass claim the same rows forever. `concurrency` workers settle records at
// once, so a slow KOS costs (records / concurrency) round trips, not one per record.
// Safe with several instances (SKIP LOCKED plus the lease). Runs at start-up and every
// `interval`. Entry points: start, stop, run_once.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>

#include "change_store.hpp"
#include "core/clock.hpp"
#include "kos/kos_client.hpp"
#include "product_service.hpp"
#include "reconciler_policy.hpp"

namespace phonebill::product {

struct ReconcilePass {
  int claimed = 0;          // unsettled records looked at
  int settled = 0;          // moved to COMPLETED / FAILED
  int resent = 0;           // KOS had no order: the change was sent again
  int waiting = 0;          // outcome still unknown: asked again next pass
  bool kos_failed = false;  // KOS did not answer: that worker left the rest for the next pass
  bool database_failed = false;
};

class Reconciler {
 public:
  // Every reference must outlive the reconciler. `metrics` may be null.
  Reconciler(boost::asio::io_context& io, ChangeStore& store, kos::KosClient& kos,
             ProductService& service, const Clock& clock, ReconcilerPolicy policy,
             ProductMetrics* metrics);

  // Spawns the loop: one pass at once, then one every interval, until stop().
  void start();
  // Ends the loop (a pass in progress finishes first, within a few seconds).
  boost::asio::awaitable<void> stop();
  // One pass: up to `batch` records, `concurrency` at a time.
  boost::asio::awaitable<ReconcilePass> run_once();

 private:
  enum class Settling { kSettled, kResentAndSettled, kWaiting, kKosFailed, kDatabaseFailed };

  boost::asio::awaitable<void> loop();
  // Runs `concurrency` workers (at most `batch`) on the strand and waits for all of them.
  boost::asio::awaitable<void> run_workers(ReconcilePass& pass, int& budget);
  // Claims and settles records one after another until the pass's share is used up,
  // none is left, or KOS / the database fails.
  boost::asio::awaitable<void> work(ReconcilePass& pass, int& budget);
  // One claimed record, from the order lookup to the write of its outcome.
  boost::asio::awaitable<Settling> settle_one(const ChangeRecord& record);
  // KOS has no order for the record: the same change again under the same requestId;
  // KOS's answer as an outcome, nullopt while it stays unknown.
  boost::asio::awaitable<std::optional<ChangeOutcome>> resend(const ChangeRecord& record,
                                                              const std::string& http_request_id);
  // Back to the queue, asked again by the next pass; kDatabaseFailed if that write failed.
  boost::asio::awaitable<Settling> leave_for_next_pass(const ChangeRecord& record, Settling result);
  // The name of the plan KOS says the line was on before the change.
  boost::asio::awaitable<std::optional<std::string>> previous_name(const ChangeRecord& record,
                                                                   const ChangeOutcome& outcome);
  Deadline statement_deadline() const;
  kos::KosCallContext kos_context(const std::string& http_request_id) const;
  // Writes `outcome` if the record is still unsettled; false if the write failed.
  boost::asio::awaitable<bool> record_outcome(const ChangeRecord& record,
                                              const ChangeOutcome& outcome);

  ChangeStore& store_;
  kos::KosClient& kos_;
  ProductService& service_;
  const Clock& clock_;
  ReconcilerPolicy policy_;
  ProductMetrics* metrics_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
};

}  // namespace phonebill::product
