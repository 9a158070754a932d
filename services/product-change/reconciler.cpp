// Reconciler: see reconciler.hpp.
#include "reconciler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "change_store.hpp"
#include "core/line_number.hpp"
#include "core/log.hpp"
#include "http/trace.hpp"
#include "product_metrics.hpp"

namespace phonebill::product {
namespace asio = boost::asio;

Reconciler::Reconciler(asio::io_context& io, storage::PgPool& pool, kos::KosClient& kos,
                       ProductService& service, ReconcilerPolicy policy, ProductMetrics* metrics)
    : pool_(pool), kos_(kos), service_(service), policy_(policy), metrics_(metrics),
      strand_(asio::make_strand(io)), timer_(strand_) {}

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
      log::info("reconcile_pass", {{"claimed", pass.claimed}, {"settled", pass.settled},
                                   {"waiting", pass.waiting}, {"kosFailed", pass.kos_failed}});
    if (stopping_) break;
    timer_.expires_after(policy_.interval);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<ReconcilePass> Reconciler::run_once() {
  ReconcilePass pass;
  auto deadline = storage::deadline_after(std::chrono::seconds{60});
  auto lease = co_await pool_.acquire(deadline);
  if (!lease) {
    pass.database_failed = true;
    co_return pass;
  }
  auto begun = co_await lease->begin(deadline);
  if (!begun) {
    pass.database_failed = true;
    co_return pass;
  }
  auto claimed = co_await ChangeStore::claim_unsettled(*lease, policy_.stale_after, policy_.batch, deadline);
  if (!claimed) {
    log::warn("reconcile_claim_failed", {{"error", storage::describe(claimed.error())}});
    pass.database_failed = true;
    co_return pass;  // the lease's destructor rolls back
  }
  pass.claimed = int(claimed->size());
  std::vector<std::string> completed_lines;
  RequestInfo info{http::generate_request_id(), {}, {}, std::chrono::steady_clock::now() + std::chrono::seconds{30}};
  for (const auto& record : *claimed) {
    kos::KosCallContext context{std::chrono::steady_clock::now() + std::chrono::seconds{10},
                                info.http_request_id, {}};
    auto reply = co_await kos_.find_order(record.request_id, context);
    if (!reply.ok()) {
      pass.kos_failed = true;
      if (metrics_) metrics_->reconciled("ERROR");
      co_await ChangeStore::count_attempt(*lease, record.request_id, deadline);
      break;  // KOS is not answering: leave the rest for the next pass
    }
    auto outcome = outcome_of_order(*reply.data, record.stale);
    if (!outcome) {
      ++pass.waiting;
      if (metrics_) metrics_->reconciled("WAITING");
      co_await ChangeStore::count_attempt(*lease, record.request_id, deadline);
      continue;
    }
    std::optional<std::string> previous_name;
    if (outcome->previous_product_code) {
      previous_name = *outcome->previous_product_code;
      if (*outcome->previous_product_code == record.previous_product_code) {
        previous_name = record.previous_product_name;
      } else if (auto catalogue = co_await service_.catalogue(info)) {
        if (const auto* product = find_product(*catalogue, *outcome->previous_product_code))
          previous_name = product->product_name;
      }
    }
    auto settled = co_await ChangeStore::settle_on(*lease, record.request_id, *outcome,
                                                   previous_name, deadline);
    if (!settled) {
      pass.database_failed = true;
      co_return pass;
    }
    ++pass.settled;
    if (metrics_) metrics_->reconciled(std::string{to_text(outcome->status)});
    log::info("change_reconciled", {{"changeId", record.request_id},
                                    {"line", masked_line_number(record.line_number)},
                                    {"from", to_text(record.status)},
                                    {"to", to_text(outcome->status)}});
    if (outcome->status == ChangeStatus::kCompleted) completed_lines.push_back(record.line_number);
  }
  auto committed = co_await lease->commit(deadline);
  if (!committed) {
    pass.database_failed = true;
    co_return pass;
  }
  lease->release();
  for (auto& line : completed_lines) co_await service_.forget_line(line);
  co_return pass;
}

}  // namespace phonebill::product
