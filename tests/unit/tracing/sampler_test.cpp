// Parent-based ratio sampling: the ratio decides new traces (deterministically by trace
// id), an incoming traceparent's flag decides the rest, and tracing off changes nothing.
#include <gtest/gtest.h>

#include "http/trace.hpp"
#include "tracing/sampler.hpp"
#include "tracing/span_context.hpp"
#include "tracing/tracer.hpp"

namespace phonebill::tracing {
namespace {

TEST(SamplerTest, RatioZeroAndOneAreNothingAndEverything) {
  Sampler none{0.0};
  Sampler all{1.0};
  for (int i = 0; i < 100; ++i) {
    auto id = new_trace_id();
    EXPECT_FALSE(none.sample_root(id));
    EXPECT_TRUE(all.sample_root(id));
  }
  EXPECT_TRUE(all.sample_root("ffffffffffffffffffffffffffffffff"));
}

TEST(SamplerTest, DecidesByTheTraceIdsLowBitsSoEveryServiceAgrees) {
  Sampler quarter{0.25};
  EXPECT_TRUE(quarter.sample_root("ffffffffffffffff0000000000000001"));
  EXPECT_TRUE(quarter.sample_root("00000000000000003fffffffffffffff"));
  EXPECT_FALSE(quarter.sample_root("00000000000000004000000000000000"));
  EXPECT_FALSE(quarter.sample_root("0000000000000000ffffffffffffffff"));
  int sampled = 0;
  for (int i = 0; i < 4000; ++i) sampled += quarter.sample_root(new_trace_id()) ? 1 : 0;
  EXPECT_GT(sampled, 800);
  EXPECT_LT(sampled, 1200);
}

TEST(SamplerTest, OutOfRangeRatiosAreClamped) {
  EXPECT_EQ(Sampler{-1.0}.ratio(), 0.0);
  EXPECT_EQ(Sampler{7.0}.ratio(), 1.0);
}

class ParentBasedTest : public ::testing::Test {
 protected:
  void TearDown() override { install(nullptr); }
};

TEST_F(ParentBasedTest, AnIncomingFlagDecidesWhateverTheRatio) {
  Tracer none{TracerOptions{.sample_ratio = 0.0}};
  install(&none);
  auto kept = http::continue_trace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_TRUE(parse_traceparent(kept.traceparent)->sampled);
  Tracer all{TracerOptions{.sample_ratio = 1.0}};
  install(&all);
  auto unsampled = http::continue_trace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  EXPECT_FALSE(parse_traceparent(unsampled.traceparent)->sampled);
  EXPECT_EQ(unsampled.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST_F(ParentBasedTest, ANewTraceFollowsTheRatio) {
  Tracer none{TracerOptions{.sample_ratio = 0.0}};
  install(&none);
  EXPECT_FALSE(parse_traceparent(http::continue_trace("").traceparent)->sampled);
  Tracer all{TracerOptions{.sample_ratio = 1.0}};
  install(&all);
  EXPECT_TRUE(parse_traceparent(http::continue_trace("garbage").traceparent)->sampled);
}

TEST_F(ParentBasedTest, WithTracingOffANewTraceKeepsTheSampledFlagAsBefore) {
  install(nullptr);
  EXPECT_TRUE(parse_traceparent(http::continue_trace("").traceparent)->sampled);
}

TEST(SpanContextTest, ParsesOnlyValidVersionZeroTraceparents) {
  auto parsed = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(parsed->span_id, "00f067aa0ba902b7");
  EXPECT_TRUE(parsed->sampled);
  EXPECT_EQ(parsed->traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_FALSE(parse_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
  EXPECT_FALSE(parse_traceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"));
  EXPECT_EQ(new_span_id().size(), 16u);
  EXPECT_EQ(new_trace_id().size(), 32u);
}

}  // namespace
}  // namespace phonebill::tracing
