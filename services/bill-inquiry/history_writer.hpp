// Group commit of the history (SPEC §5): requests hand their HistoryEntry to the writer
// and wait; a few flusher coroutines take everything queued (up to max_batch) and
// insert it in one transaction, then wake each waiter with the outcome. So a response
// leaves only after its history is durable, and N concurrent requests cost one commit,
// not N. Entry points: start, write, stop (graceful shutdown flushes the queue).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>

#include "bill_config.hpp"
#include "history_store.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::bill {

struct HistoryWriterCounters {
  std::uint64_t batches = 0;
  std::uint64_t entries = 0;
  std::uint64_t failed_entries = 0;
  std::uint64_t largest_batch = 0;
};

class HistoryWriter {
 public:
  // `io` and `store` must outlive the writer.
  HistoryWriter(boost::asio::io_context& io, HistoryStore& store, HistoryPolicy policy);
  ~HistoryWriter();

  // Spawns the flushers on `io`. Call once.
  void start();
  // Queues `entry` and resumes once its batch committed (true) or failed (false).
  boost::asio::awaitable<bool> write(HistoryEntry entry);
  // Stops taking entries, lets the flushers drain the queue, waits (bounded) for them.
  boost::asio::awaitable<void> stop();

  HistoryWriterCounters counters() const;
  std::size_t queued() const;

 private:
  using Doorbell = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;
  using Done = boost::asio::experimental::concurrent_channel<void(boost::system::error_code, bool)>;
  struct Pending {
    const HistoryEntry* entry;
    std::shared_ptr<Done> done;
  };

  boost::asio::awaitable<void> run_flusher();

  boost::asio::io_context& io_;
  HistoryStore& store_;
  const HistoryPolicy policy_;
  Doorbell doorbell_;
  mutable std::mutex mutex_;
  std::deque<Pending> queue_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> running_{0};
  std::atomic<std::uint64_t> batches_{0}, entries_{0}, failed_entries_{0}, largest_batch_{0};
};

}  // namespace phonebill::bill
