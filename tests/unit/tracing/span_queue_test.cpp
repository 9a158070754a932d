// The span queue is bounded: a full queue drops (and counts) instead of blocking or
// growing, and take() hands spans out oldest first in batches.
#include <gtest/gtest.h>

#include "tracing/span_queue.hpp"

namespace phonebill::tracing {
namespace {

SpanData named(std::string name) {
  SpanData span;
  span.name = std::move(name);
  return span;
}

TEST(SpanQueueTest, AFullQueueDropsAndCountsInsteadOfGrowing) {
  SpanQueue queue{3};
  EXPECT_TRUE(queue.push(named("a")));
  EXPECT_TRUE(queue.push(named("b")));
  EXPECT_TRUE(queue.push(named("c")));
  EXPECT_FALSE(queue.push(named("d")));
  EXPECT_FALSE(queue.push(named("e")));
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.dropped(), 2u);
  auto first = queue.take(2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].name, "a");
  EXPECT_EQ(first[1].name, "b");
  // Room again after the exporter took some.
  EXPECT_TRUE(queue.push(named("f")));
  auto rest = queue.take(10);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].name, "c");
  EXPECT_EQ(rest[1].name, "f");
  EXPECT_TRUE(queue.take(10).empty());
  EXPECT_EQ(queue.dropped(), 2u);
}

TEST(SpanQueueTest, ZeroCapacityStillHoldsOne) {
  SpanQueue queue{0};
  EXPECT_EQ(queue.capacity(), 1u);
  EXPECT_TRUE(queue.push(named("a")));
  EXPECT_FALSE(queue.push(named("b")));
}

}  // namespace
}  // namespace phonebill::tracing
