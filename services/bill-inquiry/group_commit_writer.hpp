// Group commit of the history (SPEC §5), HistoryWriter's production implementation:
// requests hand their HistoryEntry to the writer and wait; a few flusher coroutines take
// everything queued (up to max_batch) and insert it in one transaction, then wake each
// waiter with the outcome. So a response leaves only after its history is durable, and
// N concurrent requests cost one commit, not N. Entry points: start, write, stop
// (graceful shutdown flushes the queue), HistoryPolicy.
#pragma once
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "history_writer.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::bill {

class PgHistoryStore;

// PHONEBILL_BILL_HISTORY_* (bill_config.cpp).
struct HistoryPolicy {
  std::size_t max_batch = 512;  // entries per transaction
  int writers = 2;              // transactions in flight at once
  std::chrono::milliseconds commit_timeout{5'000};
};

struct HistoryWriterCounters {
  std::uint64_t batches = 0;
  std::uint64_t entries = 0;
  std::uint64_t failed_entries = 0;
  std::uint64_t largest_batch = 0;
};

class GroupCommitWriter final : public HistoryWriter {
 public:
  // `io` and `store` must outlive the writer.
  GroupCommitWriter(boost::asio::io_context& io, PgHistoryStore& store, HistoryPolicy policy);
  ~GroupCommitWriter() override;

  // Spawns the flushers on `io`. Call once.
  void start();
  // Queues `entry` and resumes once its batch committed (true) or failed (false).
  boost::asio::awaitable<bool> write(const HistoryEntry& entry) override;
  // Stops taking entries, lets the flushers drain the queue, waits (bounded) for them.
  boost::asio::awaitable<void> stop();

  HistoryWriterCounters counters() const;

 private:
  struct Doorbell;  // wakes a flusher (a channel)
  // A queued entry and its waiting write()'s completion handler, kept as it is (issue 17
  // item 3): a channel per entry cost a block for the channel, its registration with the
  // channel service (a mutex, twice) and a receive operation; the handler is one block
  // from Asio's recycling allocator, posted back to its coroutine's executor with the
  // batch's outcome.
  struct Pending {
    const HistoryEntry* entry;
    boost::asio::any_io_executor executor;  // the waiting coroutine's
    boost::asio::any_completion_handler<void(bool)> done;
  };

  boost::asio::awaitable<void> run_flusher();
  // Up to max_batch queued entries, oldest first.
  std::vector<Pending> take_batch();
  // Commits `batch` and wakes its waiters with the outcome.
  boost::asio::awaitable<void> commit(std::vector<Pending> batch);

  boost::asio::io_context& io_;
  PgHistoryStore& store_;
  const HistoryPolicy policy_;
  std::unique_ptr<Doorbell> doorbell_;
  mutable std::mutex mutex_;
  std::deque<Pending> queue_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> running_{0};
  std::atomic<std::uint64_t> batches_{0}, entries_{0}, failed_entries_{0}, largest_batch_{0};
};

}  // namespace phonebill::bill
