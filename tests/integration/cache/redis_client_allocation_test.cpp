// Allocations of one GET round trip against the test Redis (issue 17): with one I/O thread
// (RedisOptions::one_io_thread) the command runs inline on that thread instead of being
// co_spawned onto the connection's strand and posted back. Counts operator new and Asio's
// aligned_alloc (coroutine frames, handlers), so it runs in a binary of its own.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <iostream>

#include "cache/redis_client.hpp"
#include "integration/cache/cache_test_support.hpp"
#include "support/allocation_counter.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::cache {
namespace {

namespace asio = boost::asio;
using testing::deadline_in;
using namespace std::chrono_literals;

// operator new and aligned_alloc calls of one GET, after a first GET warmed the thread's
// caches (Asio keeps freed frames per thread).
long allocations_per_get(RedisOptions options) {
  asio::io_context io{1};
  RedisClient client{io, test_support::redis_url(), options};
  long counted = -1;
  auto body = [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE((co_await client.set("allocations", "value", 10s, deadline_in(2s))).has_value());
    CO_ASSERT_TRUE((co_await client.get("allocations", deadline_in(2s))).has_value());
    test_support::start_counting_allocations();
    auto value = co_await client.get("allocations", deadline_in(2s));
    auto count = test_support::stop_counting_allocations();
    EXPECT_EQ(value.value(), "value");
    counted = count.all + count.aligned;
  };
  test_support::run_coroutine(io, body());
  return counted;
}

TEST(RedisClientAllocationTest, AGetOnOneIoThreadSkipsTheStrandsAllocations) {
  const long through_strand = allocations_per_get({});
  RedisOptions one_thread;
  one_thread.one_io_thread = true;
  const long inline_get = allocations_per_get(one_thread);
  std::cout << "one GET: " << through_strand << " allocations through the strand, " << inline_get
            << " inline\n";
  ASSERT_GT(through_strand, 0);
  ASSERT_GT(inline_get, 0);
  // 14 and 7 when written: the co_spawn's frames and the two posts are gone.
  EXPECT_LE(inline_get + 5, through_strand);
  EXPECT_LE(inline_get, 8);
}

}  // namespace
}  // namespace phonebill::cache
