// LightMutex: mutual exclusion under contention (waiters sleep and are woken), try_lock.
#include "core/light_mutex.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

using phonebill::LightMutex;

// Four threads add to one counter under the mutex: no increment is lost, and every thread
// finishes (a waiter left asleep would hang the join).
TEST(LightMutexTest, ExcludesUnderContention) {
  LightMutex mutex;
  long counter = 0;  // not atomic: the mutex alone orders the increments
  constexpr int kThreads = 4;
  constexpr int kIncrements = 50'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        std::lock_guard lock{mutex};
        ++counter;
        if (i % 1000 == 0) std::this_thread::yield();  // held while others queue up
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter, long{kThreads} * kIncrements);
}

// A thread that waits is woken by the unlock, and sees what the holder wrote.
TEST(LightMutexTest, WakesAWaiter) {
  LightMutex mutex;
  int value = 0;
  mutex.lock();
  std::thread waiter{[&] {
    std::lock_guard lock{mutex};
    value += 1;
  }};
  std::this_thread::sleep_for(std::chrono::milliseconds{20});  // let it go to sleep
  value = 41;
  mutex.unlock();
  waiter.join();
  EXPECT_EQ(value, 42);
}

TEST(LightMutexTest, TryLock) {
  LightMutex mutex;
  ASSERT_TRUE(mutex.try_lock());
  bool taken_elsewhere = true;
  std::thread other{[&] { taken_elsewhere = mutex.try_lock(); }};
  other.join();
  EXPECT_FALSE(taken_elsewhere);
  mutex.unlock();
  std::unique_lock lock{mutex, std::try_to_lock};
  EXPECT_TRUE(lock.owns_lock());
}
