// PgPool and PgLease (see pg_pool.hpp). The shared PoolState outlives the PgPool object
// while leases or waiters hold it. A caller that finds no free connection and no room
// to open one queues a Waiter whose timer runs to the deadline; a release hands its
// connection (or, if the connection was broken, its slot) to the oldest waiter.
#include "storage/pg_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "core/log.hpp"
#include "tracing/hand_over.hpp"
#include "tracing/span.hpp"

namespace phonebill::storage {

namespace net = boost::asio;
using net::awaitable;

namespace detail {

// A caller queued for a connection. Fields other than `timer` are guarded by the
// pool mutex; `timer` belongs to the waiting coroutine's executor.
struct Waiter {
  explicit Waiter(const net::any_io_executor& executor) : timer(executor) {}

  net::steady_timer timer;
  bool served = false;                       // taken off the queue by a release
  std::unique_ptr<PgConnection> connection;  // the connection handed over, or
  bool may_connect = false;                  // a free slot to open a connection in
};

struct Handoff {
  std::unique_ptr<PgConnection> connection;
  bool may_connect = false;
  bool served = false;
};

struct PoolState {
  PoolState(net::any_io_executor pool_executor, PgPoolOptions pool_options)
      : executor(std::move(pool_executor)), options(std::move(pool_options)) {}

  // Wakes a served waiter on its own executor (its timer is not ours to touch here).
  static void wake(const std::shared_ptr<Waiter>& waiter) {
    net::post(waiter->timer.get_executor(), [waiter] { waiter->timer.cancel(); });
  }

  // Takes a connection back: to the oldest waiter, else to the idle list. A broken
  // connection, or one left inside a transaction, is closed and its slot passed on.
  void give_back(std::unique_ptr<PgConnection> connection) {
    std::shared_ptr<Waiter> woken;
    std::unique_ptr<PgConnection> discarded;
    {
      std::lock_guard lock{mutex};
      const bool reusable = !closed && !connection->is_broken() && connection->is_idle();
      if (!reusable) discarded = std::move(connection);
      if (!closed && !waiters.empty()) {
        woken = waiters.front();
        waiters.pop_front();
        woken->served = true;
        if (reusable)
          woken->connection = std::move(connection);
        else
          woken->may_connect = true;
      } else if (reusable) {
        idle.push_back(std::move(connection));
      } else {
        --open;
      }
    }
    if (woken) wake(woken);
    // `discarded` closes here, outside the lock (PQfinish).
  }

  // A slot freed without a connection (a connect failed): to the oldest waiter.
  void release_slot() {
    std::shared_ptr<Waiter> woken;
    {
      std::lock_guard lock{mutex};
      if (!closed && !waiters.empty()) {
        woken = waiters.front();
        waiters.pop_front();
        woken->served = true;
        woken->may_connect = true;
      } else {
        --open;
      }
    }
    if (woken) wake(woken);
  }

  // What a woken (or timed-out) waiter got; an unserved waiter leaves the queue.
  Handoff withdraw(const std::shared_ptr<Waiter>& waiter) {
    std::lock_guard lock{mutex};
    if (!waiter->served) {
      waiters.erase(std::remove(waiters.begin(), waiters.end(), waiter), waiters.end());
      return {};
    }
    Handoff handoff{std::move(waiter->connection), waiter->may_connect, true};
    waiter->may_connect = false;
    return handoff;
  }

  // Disposes of whatever a waiter got but will not use.
  void dispose(Handoff handoff) {
    if (handoff.connection)
      give_back(std::move(handoff.connection));
    else if (handoff.may_connect)
      release_slot();
  }

  std::optional<std::string> statement_sql(std::string_view name) const {
    std::lock_guard lock{mutex};
    auto found = statements.find(name);
    if (found == statements.end()) return std::nullopt;
    return found->second;
  }

  const net::any_io_executor executor;
  const PgPoolOptions options;

  mutable std::mutex mutex;
  std::vector<std::unique_ptr<PgConnection>> idle;  // most recently used last
  std::size_t open = 0;                             // idle + leased + connecting
  std::deque<std::shared_ptr<Waiter>> waiters;      // oldest first
  std::map<std::string, std::string, std::less<>> statements;
  bool closed = false;
};

}  // namespace detail

namespace {

// Keeps a queued waiter's bookkeeping right if the waiting coroutine ends early
// (cancelled, or destroyed with its io_context).
struct WaitTicket {
  std::shared_ptr<detail::PoolState> pool;
  std::shared_ptr<detail::Waiter> waiter;

  ~WaitTicket() {
    if (waiter) pool->dispose(pool->withdraw(waiter));
  }
  detail::Handoff collect() {
    auto handoff = pool->withdraw(waiter);
    waiter.reset();
    return handoff;
  }
};

// A slot counted in `open` that must be freed unless a connection ends up in it.
struct SlotClaim {
  std::shared_ptr<detail::PoolState> pool;
  bool armed = true;
  ~SlotClaim() {
    if (armed) pool->release_slot();
  }
};

}  // namespace

// ---- PgLease ----------------------------------------------------------------------

PgLease::PgLease(std::shared_ptr<detail::PoolState> pool, std::unique_ptr<PgConnection> connection)
    : pool_(std::move(pool)), connection_(std::move(connection)) {}

PgLease::PgLease(PgLease&&) noexcept = default;

PgLease& PgLease::operator=(PgLease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::move(other.pool_);
    connection_ = std::move(other.connection_);
  }
  return *this;
}

PgLease::~PgLease() { release(); }

void PgLease::release() {
  if (connection_) pool_->give_back(std::move(connection_));
}

awaitable<PgResult<void>> PgLease::prepare_once(std::string_view name, Deadline deadline) {
  if (!connection_) co_return local_error(PgErrorKind::kUsage, "lease already released");
  if (connection_->is_prepared(name)) co_return PgResult<void>{};
  auto sql = pool_->statement_sql(name);
  if (!sql) co_return local_error(PgErrorKind::kUsage, "unknown statement " + std::string{name});
  co_return co_await connection_->prepare(name, *sql, deadline);
}

awaitable<PgResult<PgRows>> PgLease::execute(std::string_view name, PgParams params,
                                             Deadline deadline) {
  auto prepared = co_await prepare_once(name, deadline);
  if (!prepared) co_return prepared.error();
  co_return co_await connection_->execute_prepared(name, params, deadline);
}

awaitable<PgResult<PgRows>> PgLease::execute(std::string_view name, const PgBinaryParams& params,
                                             Deadline deadline) {
  auto prepared = co_await prepare_once(name, deadline);
  if (!prepared) co_return prepared.error();
  co_return co_await connection_->execute_prepared(name, params, deadline);
}

awaitable<PgResult<PgRows>> PgLease::query(std::string_view sql, PgParams params,
                                           Deadline deadline) {
  if (!connection_) co_return local_error(PgErrorKind::kUsage, "lease already released");
  co_return co_await connection_->query(sql, params, deadline);
}

awaitable<PgResult<PgRows>> PgLease::execute_script(std::string_view sql, Deadline deadline) {
  if (!connection_) co_return local_error(PgErrorKind::kUsage, "lease already released");
  co_return co_await connection_->execute_script(sql, deadline);
}

awaitable<PgResult<void>> PgLease::begin(Deadline deadline) {
  auto done = co_await execute_script("BEGIN", deadline);
  if (!done) co_return done.error();
  co_return PgResult<void>{};
}

awaitable<PgResult<void>> PgLease::commit(Deadline deadline) {
  auto done = co_await execute_script("COMMIT", deadline);
  if (!done) co_return done.error();
  co_return PgResult<void>{};
}

awaitable<PgResult<void>> PgLease::rollback(Deadline deadline) {
  auto done = co_await execute_script("ROLLBACK", deadline);
  if (!done) co_return done.error();
  co_return PgResult<void>{};
}

// ---- PgPool -----------------------------------------------------------------------

namespace {

// A query's span when a request handed its context over (tracing/hand_over.hpp), named by
// the prepared statement or the SQL's first keyword: never the statement's text or its
// parameters (they hold line numbers and user ids).
tracing::Span query_span(std::string_view operation, std::string_view how) {
  auto parent = tracing::take_handed_over();
  if (!parent) return tracing::Span{};
  auto span = tracing::Span::child("postgresql " + std::string{operation},
                                   tracing::SpanKind::kClient, *parent);
  span.set_attribute("db.system.name", std::string{"postgresql"});
  span.set_attribute("db.operation.name", std::string{operation});
  span.set_attribute("phonebill.db.call", std::string{how});
  return span;
}

// "SELECT", "INSERT", ... (upper-cased; at most 16 letters).
std::string first_word(std::string_view sql) {
  std::string word;
  for (char c : sql) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      if (word.size() < 16) word.push_back(char(std::toupper(static_cast<unsigned char>(c))));
    } else if (!word.empty()) {
      break;
    }
  }
  return word.empty() ? std::string{"query"} : word;
}

}  // namespace

PgPool::PgPool(net::any_io_executor executor, PgPoolOptions options)
    : state_(std::make_shared<detail::PoolState>(std::move(executor), std::move(options))) {
  if (state_->options.max_connections == 0) {
    throw std::invalid_argument("PgPool needs max_connections >= 1");
  }
}

PgPool::PgPool(net::io_context& io, PgPoolOptions options)
    : PgPool(io.get_executor(), std::move(options)) {}

PgPool::~PgPool() {
  std::vector<std::unique_ptr<PgConnection>> idle;
  std::deque<std::shared_ptr<detail::Waiter>> waiters;
  {
    std::lock_guard lock{state_->mutex};
    state_->closed = true;
    idle.swap(state_->idle);
    waiters.swap(state_->waiters);
    state_->open -= idle.size();
    for (auto& waiter : waiters) waiter->served = true;  // served with nothing: closed
  }
  for (auto& waiter : waiters) detail::PoolState::wake(waiter);
}

void PgPool::register_statement(std::string name, std::string sql) {
  std::lock_guard lock{state_->mutex};
  auto [position, inserted] = state_->statements.try_emplace(std::move(name), sql);
  if (!inserted && position->second != sql) {
    throw std::logic_error("statement " + position->first + " registered with different SQL");
  }
}

awaitable<PgResult<PgRows>> PgPool::execute(std::string_view name, PgParams params,
                                            Deadline deadline) {
  auto span = query_span(name, "execute");
  auto lease = co_await acquire(deadline);
  if (!lease) {
    span.set_error("no connection");
    co_return lease.error();
  }
  auto rows = co_await lease->execute(name, std::move(params), deadline);
  if (!rows) span.set_error("query failed");
  co_return std::move(rows);
}

awaitable<PgResult<PgRows>> PgPool::query(std::string_view sql, PgParams params,
                                          Deadline deadline) {
  auto span = query_span(first_word(sql), "query");
  auto lease = co_await acquire(deadline);
  if (!lease) {
    span.set_error("no connection");
    co_return lease.error();
  }
  auto rows = co_await lease->query(sql, std::move(params), deadline);
  if (!rows) span.set_error("query failed");
  co_return std::move(rows);
}

awaitable<PgResult<PgLease>> PgPool::acquire(Deadline deadline) {
  const auto pool = state_;
  const auto executor = co_await net::this_coro::executor;
  std::unique_ptr<PgConnection> connection;
  WaitTicket ticket{pool, nullptr};
  {
    std::lock_guard lock{pool->mutex};
    if (pool->closed) co_return local_error(PgErrorKind::kUsage, "pool is closed");
    if (!pool->idle.empty()) {
      connection = std::move(pool->idle.back());
      pool->idle.pop_back();
    } else if (pool->open < pool->options.max_connections) {
      ++pool->open;  // a slot to connect in
    } else {
      ticket.waiter = std::make_shared<detail::Waiter>(executor);
      ticket.waiter->timer.expires_at(deadline);
      pool->waiters.push_back(ticket.waiter);
    }
  }
  if (ticket.waiter) {
    // Ends at the deadline, or early when a release cancels it (see PoolState::wake).
    co_await ticket.waiter->timer.async_wait(net::as_tuple(net::use_awaitable));
    auto handoff = ticket.collect();
    if (!handoff.served) {
      co_return local_error(PgErrorKind::kTimeout, "no free connection before the deadline");
    }
    if (!handoff.connection && !handoff.may_connect) {
      co_return local_error(PgErrorKind::kUsage, "pool is closed");
    }
    connection = std::move(handoff.connection);  // or null: connect in the slot handed over
  }
  if (connection) {
    if (connection->check_alive()) co_return PgLease{pool, std::move(connection)};
    // The server dropped it while idle: close it and open a new one in its slot.
    connection.reset();
    log::info("pg_idle_connection_lost", {});
  }
  // Every path here holds a slot (counted in `open`) to open a connection in.
  SlotClaim claim{pool};
  auto connected = co_await PgConnection::connect(pool->executor, pool->options.dsn, deadline);
  if (!connected) {
    log::warn("pg_connect_failed", {{"error", describe(connected.error())}});
    co_return connected.error();
  }
  claim.armed = false;
  co_return PgLease{pool, std::move(*connected)};
}

boost::asio::awaitable<bool> PgPool::ping(Deadline deadline) {
  auto answer = co_await query("SELECT 1", PgParams{}, deadline);
  co_return answer.has_value();
}

PgPoolStats PgPool::stats() const {
  std::lock_guard lock{state_->mutex};
  return PgPoolStats{
      .open = state_->open, .idle = state_->idle.size(), .waiting = state_->waiters.size()};
}

}  // namespace phonebill::storage
