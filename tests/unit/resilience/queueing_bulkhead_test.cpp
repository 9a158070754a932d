// QueueingBulkhead (moved from bill-inquiry's KosGate, same assertions): at most
// `capacity` calls in flight, a bounded FIFO queue behind them with a wait limit,
// refusals when the queue is full or the wait runs out.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "resilience/queueing_bulkhead.hpp"

namespace phonebill::resilience {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

auto far_deadline() { return std::chrono::steady_clock::now() + 10s; }

// Holds a place for `hold`, recording the peak of places held at once.
asio::awaitable<void> hold_place(QueueingBulkhead& gate, std::chrono::milliseconds hold, int& held,
                                 int& peak, std::vector<Admission>& outcomes) {
  auto admission = Admission::kImmediate;
  auto ticket = co_await gate.enter(far_deadline(), admission);
  outcomes.push_back(admission);
  if (!ticket) co_return;
  peak = std::max(peak, ++held);
  asio::steady_timer timer{co_await asio::this_coro::executor, hold};
  co_await timer.async_wait(asio::use_awaitable);
  --held;
}

// Ten callers through a gate of three: never more than three at once, seven queue, all
// are admitted in the end.
TEST(QueueingBulkheadTest, QueuesBeyondCapacityAndAdmitsEveryone) {
  asio::io_context io;
  QueueingBulkhead gate{QueueingBulkheadOptions{3, 100, 5s}};
  int held = 0, peak = 0;
  std::vector<Admission> outcomes;
  for (int i = 0; i < 10; ++i)
    asio::co_spawn(io, hold_place(gate, 10ms, held, peak, outcomes), asio::detached);
  io.run();
  EXPECT_EQ(peak, 3);
  ASSERT_EQ(outcomes.size(), 10u);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), Admission::kImmediate), 3);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), Admission::kAfterWait), 7);
  auto counters = gate.counters();
  EXPECT_EQ(counters.admitted, 10u);
  EXPECT_EQ(counters.queued, 7u);
  EXPECT_EQ(counters.in_flight, 0);
  EXPECT_EQ(counters.waiting, 0u);
}

// A full queue refuses at once; a waiter whose wait runs out is refused, and the place
// later freed goes to nobody stale (the gate ends empty).
TEST(QueueingBulkheadTest, RefusesWhenQueueFullOrWaitRunsOut) {
  asio::io_context io;
  QueueingBulkhead gate{QueueingBulkheadOptions{1, 1, 30ms}};
  int held = 0, peak = 0;
  std::vector<Admission> outcomes;
  asio::co_spawn(io, hold_place(gate, 100ms, held, peak, outcomes), asio::detached);  // holds
  asio::co_spawn(io, hold_place(gate, 1ms, held, peak, outcomes),
                 asio::detached);  // waits, times out
  asio::co_spawn(io, hold_place(gate, 1ms, held, peak, outcomes), asio::detached);  // queue full
  io.run();
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes[0], Admission::kImmediate);
  EXPECT_EQ(outcomes[1], Admission::kQueueFull);
  EXPECT_EQ(outcomes[2], Admission::kTimedOut);
  auto counters = gate.counters();
  EXPECT_EQ(counters.refused, 1u);
  EXPECT_EQ(counters.timed_out, 1u);
  EXPECT_EQ(counters.in_flight, 0);
  EXPECT_EQ(counters.waiting, 0u);
}

// No queue (max_waiting 0) is the classic fail-fast bulkhead.
TEST(QueueingBulkheadTest, NoQueueFailsFast) {
  asio::io_context io;
  QueueingBulkhead gate{QueueingBulkheadOptions{1, 0, 1s}};
  int held = 0, peak = 0;
  std::vector<Admission> outcomes;
  asio::co_spawn(io, hold_place(gate, 20ms, held, peak, outcomes), asio::detached);
  asio::co_spawn(io, hold_place(gate, 20ms, held, peak, outcomes), asio::detached);
  io.run();
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0], Admission::kImmediate);
  EXPECT_EQ(outcomes[1], Admission::kQueueFull);
}

// Many callers on four threads: the cap holds and every place comes back.
TEST(QueueingBulkheadTest, ThreadSafeUnderContention) {
  asio::io_context io{4};
  QueueingBulkhead gate{QueueingBulkheadOptions{8, 10'000, 10s}};
  std::atomic<int> held{0}, peak{0}, admitted{0};
  for (int i = 0; i < 400; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto admission = Admission::kImmediate;
          auto ticket = co_await gate.enter(far_deadline(), admission);
          if (!ticket) co_return;
          ++admitted;
          int now = ++held;
          int seen = peak.load();
          while (now > seen && !peak.compare_exchange_weak(seen, now)) {
          }
          asio::steady_timer timer{co_await asio::this_coro::executor, 1ms};
          co_await timer.async_wait(asio::use_awaitable);
          --held;
        },
        asio::detached);
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { io.run(); });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 400);
  EXPECT_LE(peak.load(), 8);
  EXPECT_EQ(gate.counters().in_flight, 0);
}

}  // namespace
}  // namespace phonebill::resilience
