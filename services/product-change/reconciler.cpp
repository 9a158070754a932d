// The reconciler's loop and passes: claim an unsettled change, ask KOS for its order (or
// send it again), write the outcome — see reconciler.hpp.
#include "reconciler.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "core/line_number.hpp"
#include "core/log.hpp"
#include "product_metrics.hpp"
#include "request_ids.hpp"

namespace phonebill::product {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Each statement is short; this only bounds a database that stopped answering.
constexpr auto kStatementBudget = 10s;
// Per KOS call; the lease (ReconcilerPolicy::lease) covers two of them and the writes.
constexpr auto kKosBudget = 10s;

// A log line about one change: `fields` with its id and the trace of the request that
// asked for it (no client waits on a pass, so the line joins the original request's trace).
boost::json::object about_change(const ChangeRecord& record, boost::json::object fields) {
  fields["changeId"] = record.request_id;
  if (!record.trace_id.empty()) fields["traceId"] = record.trace_id;
  return fields;
}

}  // namespace

Reconciler::Reconciler(asio::io_context& io, ChangeStore& store, kos::KosClient& kos,
                       ProductService& service, const Clock& clock, ReconcilerPolicy policy,
                       ProductMetrics* metrics)
    : store_(store),
      kos_(kos),
      service_(service),
      clock_(clock),
      policy_(policy),
      metrics_(metrics),
      strand_(asio::make_strand(io)),
      timer_(strand_) {}

Deadline Reconciler::statement_deadline() const {
  return deadline_after(kStatementBudget, clock_.steady_now());
}

kos::KosCallContext Reconciler::kos_context(const std::string& http_request_id) const {
  return kos::KosCallContext{deadline_after(kKosBudget, clock_.steady_now()), http_request_id, {}};
}

void Reconciler::start() {
  running_ = true;
  asio::co_spawn(strand_, loop(), [this](std::exception_ptr failure) {
    if (failure) log::error("reconciler_crashed", {});
    running_ = false;
  });
}

asio::awaitable<void> Reconciler::stop() {
  stopping_ = true;
  co_await asio::dispatch(asio::bind_executor(strand_, asio::use_awaitable));
  timer_.cancel();
  asio::steady_timer poll{strand_};
  for (int i = 0; i < 1000 && running_; ++i) {
    poll.expires_after(std::chrono::milliseconds{10});
    co_await poll.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> Reconciler::loop() {
  while (!stopping_) {
    auto pass = co_await run_once();
    if (pass.claimed > 0)
      log::info("reconcile_pass", {{"claimed", pass.claimed},
                                   {"settled", pass.settled},
                                   {"resent", pass.resent},
                                   {"waiting", pass.waiting},
                                   {"kosFailed", pass.kos_failed},
                                   {"databaseFailed", pass.database_failed}});
    if (stopping_) break;
    timer_.expires_after(policy_.interval);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<ReconcilePass> Reconciler::run_once() {
  co_await asio::dispatch(asio::bind_executor(strand_, asio::use_awaitable));
  ReconcilePass pass;
  int budget = policy_.batch;
  co_await run_workers(pass, budget);
  co_return pass;
}

asio::awaitable<void> Reconciler::run_workers(ReconcilePass& pass, int& budget) {
  int workers = std::max(1, std::min(policy_.concurrency, policy_.batch));
  // A join on the strand: every worker's completion runs here and the last one wakes
  // the pass. Workers share `pass` and `budget`, which outlive them (we wait for all).
  int running = workers;
  asio::steady_timer joined{strand_, asio::steady_timer::time_point::max()};
  for (int i = 0; i < workers; ++i) {
    asio::co_spawn(strand_, work(pass, budget),
                   asio::bind_executor(strand_, [&](std::exception_ptr failure) {
                     if (failure) {
                       log::error("reconcile_worker_crashed", {});
                       pass.database_failed = true;
                     }
                     if (--running == 0) joined.cancel();
                   }));
  }
  while (running > 0) co_await joined.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> Reconciler::work(ReconcilePass& pass, int& budget) {
  while (budget > 0 && !stopping_) {
    --budget;
    auto claimed =
        co_await store_.claim_next(policy_.stale_after, policy_.lease, statement_deadline());
    if (!claimed) {
      log::warn("reconcile_claim_failed", {{"error", claimed.error().detail}});
      pass.database_failed = true;
      co_return;
    }
    if (!*claimed) co_return;  // nothing left that is free to claim
    ++pass.claimed;
    switch (co_await settle_one(**claimed)) {
      case Settling::kSettled:
        ++pass.settled;
        break;
      case Settling::kResentAndSettled:
        ++pass.settled;
        ++pass.resent;
        break;
      case Settling::kWaiting:
        ++pass.waiting;
        break;
      case Settling::kKosFailed:
        pass.kos_failed = true;
        co_return;  // KOS is not answering
      case Settling::kDatabaseFailed:
        pass.database_failed = true;
        co_return;
    }
  }
}

asio::awaitable<Reconciler::Settling> Reconciler::leave_for_next_pass(const ChangeRecord& record,
                                                                      Settling result) {
  // The lease would expire on its own, but later.
  auto released =
      co_await store_.release_claim(record.request_id, policy_.interval / 2, statement_deadline());
  co_return released ? result : Settling::kDatabaseFailed;
}

asio::awaitable<Reconciler::Settling> Reconciler::settle_one(const ChangeRecord& record) {
  auto http_request_id = new_request_id();
  auto order = co_await kos_.find_order(record.request_id, kos_context(http_request_id));
  if (!order.ok()) {
    if (metrics_) metrics_->reconciled("ERROR");
    co_return co_await leave_for_next_pass(record, Settling::kKosFailed);
  }
  auto outcome = outcome_of_order(*order.data);
  bool resent = !outcome;
  if (resent) {
    outcome = co_await resend(record, http_request_id);
    if (!outcome) co_return co_await leave_for_next_pass(record, Settling::kWaiting);
  }
  if (!co_await record_outcome(record, *outcome)) co_return Settling::kDatabaseFailed;
  co_return resent ? Settling::kResentAndSettled : Settling::kSettled;
}

asio::awaitable<std::optional<ChangeOutcome>> Reconciler::resend(
    const ChangeRecord& record, const std::string& http_request_id) {
  // The body is the original one (previous_product_code is the plan the line was on
  // when it was requested); KOS is idempotent on the requestId, so an original that
  // reaches KOS late finds this order and changes nothing.
  kos::ProductChangeRequest request{record.line_number, record.previous_product_code,
                                    record.target_product_code, record.request_id};
  auto reply = co_await kos_.change_product(request, kos_context(http_request_id));
  auto outcome = outcome_of_resent_change(reply);
  log::info("change_resent",
            about_change(record, {{"line", masked_line_number(record.line_number)},
                                  {"kosResultCode", outcome ? outcome->kos_result_code.value_or("")
                                                            : std::string{"unknown"}}}));
  if (metrics_) metrics_->reconciled("RESENT");
  if (!outcome && metrics_) metrics_->reconciled("WAITING");
  co_return outcome;
}

asio::awaitable<std::optional<std::string>> Reconciler::previous_name(
    const ChangeRecord& record, const ChangeOutcome& outcome) {
  if (!outcome.previous_product_code) co_return std::nullopt;
  if (*outcome.previous_product_code == record.previous_product_code)
    co_return record.previous_product_name;
  RequestInfo info{new_request_id(), {}, {}, deadline_after(kKosBudget, clock_.steady_now())};
  if (auto catalogue = co_await service_.catalogue(info)) {
    if (const auto* product = find_product(*catalogue, *outcome.previous_product_code))
      co_return product->product_name;
  }
  co_return *outcome.previous_product_code;
}

asio::awaitable<bool> Reconciler::record_outcome(const ChangeRecord& record,
                                                 const ChangeOutcome& outcome) {
  auto name = co_await previous_name(record, outcome);
  // Guarded by the status (kSettle): a record someone else settled meanwhile is left as
  // it is, and the write also ends the lease.
  auto settled = co_await store_.settle(record.request_id, outcome, std::move(name), std::nullopt,
                                        statement_deadline());
  if (!settled) {
    log::warn("reconcile_settle_failed", about_change(record, {{"error", settled.error().detail}}));
    co_return false;
  }
  if (metrics_) metrics_->reconciled(std::string{to_text(outcome.status)});
  log::info("change_reconciled",
            about_change(record, {{"line", masked_line_number(record.line_number)},
                                  {"from", to_text(record.status)},
                                  {"to", to_text(outcome.status)}}));
  if (outcome.status == ChangeStatus::kCompleted)
    co_await service_.forget_line(record.line_number, about_change(record, {}));
  co_return true;
}

}  // namespace phonebill::product
