// GroupCommitWriter: history entries batched into one transaction (see
// group_commit_writer.hpp).
#include "group_commit_writer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"
#include "http/sleep.hpp"
#include "pg_history_store.hpp"

namespace phonebill::bill {

namespace asio = boost::asio;

using DoorbellChannel = asio::experimental::concurrent_channel<void(boost::system::error_code)>;

struct GroupCommitWriter::Doorbell : DoorbellChannel {
  using DoorbellChannel::DoorbellChannel;
};

GroupCommitWriter::GroupCommitWriter(asio::io_context& io, PgHistoryStore& store,
                                     HistoryPolicy policy)
    : io_(io), store_(store), policy_(policy), doorbell_(std::make_unique<Doorbell>(io, 1)) {}

GroupCommitWriter::~GroupCommitWriter() = default;

void GroupCommitWriter::start() {
  for (int i = 0; i < policy_.writers; ++i) {
    running_.fetch_add(1);
    asio::co_spawn(io_, run_flusher(), asio::detached);
  }
}

asio::awaitable<bool> GroupCommitWriter::write(const HistoryEntry& entry) {
  if (stopping_.load()) co_return false;
  auto executor = co_await asio::this_coro::executor;
  auto enqueue = [this, &entry, &executor](asio::any_completion_handler<void(bool)> handler) {
    {
      std::lock_guard lock{mutex_};
      queue_.push_back(Pending{&entry, executor, std::move(handler)});
    }
    doorbell_->try_send(boost::system::error_code{});
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(bool)>(
      enqueue, asio::use_awaitable);
}

std::vector<GroupCommitWriter::Pending> GroupCommitWriter::take_batch() {
  std::vector<Pending> batch;
  std::lock_guard lock{mutex_};
  while (!queue_.empty() && batch.size() < policy_.max_batch) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

asio::awaitable<void> GroupCommitWriter::run_flusher() {
  for (;;) {
    auto batch = take_batch();
    if (!batch.empty()) {
      co_await commit(std::move(batch));
      continue;
    }
    if (stopping_.load()) break;
    auto [error] = co_await doorbell_->async_receive(asio::as_tuple(asio::use_awaitable));
    if (error && stopping_.load()) {
      std::lock_guard lock{mutex_};
      if (queue_.empty()) break;
    }
  }
  running_.fetch_sub(1);
}

asio::awaitable<void> GroupCommitWriter::commit(std::vector<Pending> batch) {
  std::vector<const HistoryEntry*> entries;
  entries.reserve(batch.size());
  for (const auto& pending : batch) entries.push_back(pending.entry);
  auto deadline = std::chrono::steady_clock::now() + policy_.commit_timeout;
  auto committed = co_await store_.insert_batch(entries, deadline);
  if (!committed) {
    failed_entries_.fetch_add(batch.size());
    log::error("history_commit_failed",
               {{"entries", batch.size()}, {"error", storage::describe(committed.error())}});
  }
  batches_.fetch_add(1);
  entries_.fetch_add(batch.size());
  auto largest = largest_batch_.load();
  while (batch.size() > largest && !largest_batch_.compare_exchange_weak(largest, batch.size())) {
  }
  const bool outcome = bool(committed);
  // Each waiter resumes on its own coroutine's executor.
  for (auto& pending : batch) {
    asio::post(pending.executor, [done = std::move(pending.done), outcome]() mutable {
      std::move(done)(outcome);
    });
  }
}

asio::awaitable<void> GroupCommitWriter::stop() {
  stopping_.store(true);
  doorbell_->close();
  for (int waited = 0; running_.load() > 0 && waited < 500; ++waited) {
    co_await http::sleep_for(std::chrono::milliseconds{10});
  }
  log::info("history_writer_stopped", {{"batches", batches_.load()},
                                       {"entries", entries_.load()},
                                       {"failedEntries", failed_entries_.load()}});
}

HistoryWriterCounters GroupCommitWriter::counters() const {
  return HistoryWriterCounters{batches_.load(), entries_.load(), failed_entries_.load(),
                               largest_batch_.load()};
}

}  // namespace phonebill::bill
