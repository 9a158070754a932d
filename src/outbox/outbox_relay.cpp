// OutboxRelay: claim, POST signed, mark — see outbox_relay.hpp.
#include "outbox_relay.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "core/log.hpp"
#include "http/client.hpp"
#include "webhook_signature.hpp"

namespace phonebill::outbox {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Each statement is short; this only bounds a database that stopped answering.
constexpr auto kStatementBudget = 10s;
// How often the lag / pending / dead gauges are read, and delivered events purged.
constexpr auto kStatsInterval = 2s;
constexpr auto kPurgeInterval = 60s;

std::string failure_text(const http::ClientResult& result) {
  if (result.response) return "http " + std::to_string(result.response->status);
  switch (result.error->kind) {
    case http::ClientErrorKind::kTimeout:
      return "timeout";
    case http::ClientErrorKind::kConnectFailed:
      return "connect_failed";
    case http::ClientErrorKind::kTransport:
      return "transport";
  }
  return "unknown";
}

}  // namespace

OutboxRelay::OutboxRelay(asio::io_context& io, OutboxStore& store, RelayOptions options,
                         const Clock& clock, Random& random)
    : store_(store),
      options_(std::move(options)),
      clock_(clock),
      random_(random),
      backoff_{0, options_.backoff_base, options_.backoff_max, 0.5, {}},
      client_(std::make_unique<http::HttpClient>(
          io, http::ClientOptions{.host = options_.receiver->host,
                                  .port = options_.receiver->port,
                                  .max_idle_connections = std::size_t(options_.concurrency)})),
      strand_(asio::make_strand(io)),
      timer_(strand_) {}

OutboxRelay::~OutboxRelay() = default;

void OutboxRelay::start() {
  running_ = true;
  asio::co_spawn(strand_, loop(), [this](std::exception_ptr failure) {
    if (failure) log::error("outbox_relay_crashed", {});
    running_ = false;
  });
}

void OutboxRelay::notify() {
  nudged_ = true;
  asio::dispatch(strand_, [this] { timer_.cancel(); });
}

asio::awaitable<void> OutboxRelay::stop() {
  stopping_ = true;
  co_await asio::dispatch(asio::bind_executor(strand_, asio::use_awaitable));
  timer_.cancel();
  asio::steady_timer poll{strand_};
  for (int i = 0; i < 1000 && running_; ++i) {
    poll.expires_after(10ms);
    co_await poll.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> OutboxRelay::loop() {
  while (!stopping_) {
    co_await housekeeping();
    int claimed = co_await run_once();
    if (stopping_) break;
    // A full batch: more may be due at once. Otherwise wait for the poll or a nudge.
    if (claimed >= options_.batch) continue;
    if (nudged_.exchange(false)) continue;
    timer_.expires_after(options_.poll_interval);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> OutboxRelay::housekeeping() {
  auto now = clock_.steady_now();
  if (now - stats_at_ >= kStatsInterval) {
    stats_at_ = now;
    if (auto stats = co_await store_.stats(deadline_after(kStatementBudget, now))) {
      std::lock_guard lock{stats_mutex_};
      stats_ = *stats;
    }
  }
  if (now - purged_at_ >= kPurgeInterval) {
    purged_at_ = now;
    auto purged = co_await store_.purge(options_.retention, deadline_after(kStatementBudget, now));
    if (purged && *purged > 0) log::info("outbox_purged", {{"events", *purged}});
  }
}

asio::awaitable<int> OutboxRelay::run_once() {
  co_await asio::dispatch(asio::bind_executor(strand_, asio::use_awaitable));
  auto claimed = co_await store_.claim(options_.batch, options_.lease,
                                       deadline_after(kStatementBudget, clock_.steady_now()));
  if (!claimed) {
    log::warn("outbox_claim_failed", {{"error", storage::describe(claimed.error())}});
    co_return 0;
  }
  if (!claimed->empty()) co_await deliver_all(*claimed);
  co_return int(claimed->size());
}

asio::awaitable<void> OutboxRelay::deliver_all(const std::vector<ClaimedEvent>& events) {
  // Workers take the next event in turn; the last one to finish wakes this coroutine
  // (a join on the strand, as the reconciler does). `next` and `running` outlive them.
  std::size_t next = 0;
  int workers = std::max(1, std::min(options_.concurrency, int(events.size())));
  int running = workers;
  asio::steady_timer joined{strand_, asio::steady_timer::time_point::max()};
  auto work = [&]() -> asio::awaitable<void> {
    while (next < events.size()) co_await deliver(events[next++]);
  };
  for (int i = 0; i < workers; ++i)
    asio::co_spawn(strand_, work(), asio::bind_executor(strand_, [&](std::exception_ptr failure) {
                     if (failure) log::error("outbox_worker_crashed", {});
                     if (--running == 0) joined.cancel();
                   }));
  while (running > 0) co_await joined.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> OutboxRelay::deliver(const ClaimedEvent& event) {
  if (event.unreadable) {
    // Nothing to send: it waits, backing off, for the key that opens it, or goes DEAD.
    failed_.fetch_add(1);
    co_await record_failure(event, "sealed body does not open");
    co_return;
  }
  auto sent_at =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  http::ClientRequest request;
  request.method = "POST";
  request.target = options_.receiver_path;
  request.body = event.body;
  request.headers = {
      {std::string{kSignatureHeader}, sign(options_.secrets.front(), sent_at, event.body)},
      {"Idempotency-Key", event.event_id},
      {"Phonebill-Event-Type", event.event_type}};
  request.idempotent = true;  // the receiver keeps one copy per Idempotency-Key
  attempts_.fetch_add(1);
  auto result = co_await client_->send(std::move(request),
                                       deadline_after(options_.post_timeout, clock_.steady_now()));
  auto statement_deadline = deadline_after(kStatementBudget, clock_.steady_now());
  if (result.ok() && result.response->status >= 200 && result.response->status < 300) {
    delivered_.fetch_add(1);
    auto marked = co_await store_.delivered(event.sequence, statement_deadline);
    // Unmarked, the lease runs out and the event goes again: the receiver's
    // Idempotency-Key check keeps that harmless.
    if (!marked)
      log::warn("outbox_mark_failed",
                {{"eventId", event.event_id}, {"error", storage::describe(marked.error())}});
    co_return;
  }
  failed_.fetch_add(1);
  co_await record_failure(event, failure_text(result));
}

asio::awaitable<void> OutboxRelay::record_failure(const ClaimedEvent& event, std::string failure) {
  auto statement_deadline = deadline_after(kStatementBudget, clock_.steady_now());
  auto retry_after = backoff_.delay_before(std::min(event.attempts, 30), random_);
  auto dead = co_await store_.failed(event.sequence, retry_after, failure, options_.dead_after,
                                     statement_deadline);
  if (!dead) {
    log::warn("outbox_mark_failed",
              {{"eventId", event.event_id}, {"error", storage::describe(dead.error())}});
    co_return;
  }
  if (*dead) {
    dead_letters_.fetch_add(1);
    log::error("outbox_dead_letter", {{"eventId", event.event_id},
                                      {"type", event.event_type},
                                      {"attempts", event.attempts},
                                      {"error", failure}});
  } else {
    log::info("outbox_delivery_failed", {{"eventId", event.event_id},
                                         {"attempts", event.attempts},
                                         {"error", failure},
                                         {"retryAfterMs", retry_after.count()}});
  }
}

RelayCounters OutboxRelay::counters() const {
  return RelayCounters{attempts_.load(), delivered_.load(), failed_.load(), dead_letters_.load()};
}

OutboxStats OutboxRelay::last_stats() const {
  std::lock_guard lock{stats_mutex_};
  return stats_;
}

std::vector<http::ScrapedFamily> OutboxRelay::families() {
  auto counter = [this](std::uint64_t RelayCounters::*field) {
    return [this, field] {
      return std::vector<http::ScrapedSample>{{{}, double(counters().*field)}};
    };
  };
  auto gauge = [this](auto read) {
    return [this, read] { return std::vector<http::ScrapedSample>{{{}, read(last_stats())}}; };
  };
  return {
      {"phonebill_outbox_attempts_total", "Event POSTs made to the MVNO AP server",
       http::ScrapedKind::kCounter, counter(&RelayCounters::attempts)},
      {"phonebill_outbox_delivered_total", "Events the MVNO AP server accepted (2xx)",
       http::ScrapedKind::kCounter, counter(&RelayCounters::delivered)},
      {"phonebill_outbox_failed_attempts_total",
       "Event POSTs refused or unanswered (rescheduled or dead)", http::ScrapedKind::kCounter,
       counter(&RelayCounters::failed)},
      {"phonebill_outbox_dead_lettered_total", "Events this instance moved to the dead letters",
       http::ScrapedKind::kCounter, counter(&RelayCounters::dead_letters)},
      {"phonebill_outbox_pending_events", "Events not delivered yet (whole table)",
       http::ScrapedKind::kGauge, gauge([](const OutboxStats& s) { return double(s.pending); })},
      {"phonebill_outbox_dead_letters", "Dead events waiting for a re-drive (whole table)",
       http::ScrapedKind::kGauge, gauge([](const OutboxStats& s) { return double(s.dead); })},
      {"phonebill_outbox_lag_seconds", "Age of the oldest undelivered event",
       http::ScrapedKind::kGauge, gauge([](const OutboxStats& s) { return s.lag_seconds; })},
  };
}

}  // namespace phonebill::outbox
