// Spans with a manual clock: children get new ids under their parent, a hop's span keeps
// the id its traceparent carries, unsampled traces and tracing off record nothing, and a
// context handed over is taken once.
#include <gtest/gtest.h>

#include <thread>

#include "tracing/hand_over.hpp"
#include "tracing/span.hpp"
#include "tracing/tracer.hpp"

namespace phonebill::tracing {
namespace {

constexpr const char* kSampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr const char* kUnsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

class SpanTest : public ::testing::Test {
 protected:
  void SetUp() override { install(&tracer_); }
  void TearDown() override {
    install(nullptr);
    clear_handed_over();
  }

  std::uint64_t now_ = 1'000;
  Tracer tracer_{TracerOptions{.sample_ratio = 1.0, .queue_capacity = 8}, [this] { return now_; }};
};

TEST_F(SpanTest, AChildHasANewIdUnderItsParentAndItsOwnTimes) {
  auto span = Span::child_of("kos bill.inquiry", SpanKind::kClient, kSampled);
  ASSERT_TRUE(span.recording());
  EXPECT_EQ(span.context().trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_NE(span.context().span_id, "00f067aa0ba902b7");
  EXPECT_EQ(span.traceparent_or("x"), span.context().traceparent());
  span.set_attribute("phonebill.kos.attempt", std::int64_t{2});
  now_ = 5'000;
  span.end();
  span.end();  // once only
  auto spans = tracer_.queue().take(10);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].parent_span_id, "00f067aa0ba902b7");
  EXPECT_EQ(spans[0].kind, SpanKind::kClient);
  EXPECT_EQ(spans[0].start_unix_nano, 1'000u);
  EXPECT_EQ(spans[0].end_unix_nano, 5'000u);
  ASSERT_EQ(spans[0].attributes.size(), 1u);
}

TEST_F(SpanTest, AHopKeepsItsOwnIdAndPointsAtTheCaller) {
  std::string own = "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01";
  {
    auto span = Span::for_hop("POST", own, kSampled);
    ASSERT_TRUE(span.recording());
    span.set_name("POST /api/v1/bills/inquiry");
  }  // the destructor ends it
  {
    auto root = Span::for_hop("GET", own, "");
    EXPECT_TRUE(root.recording());
  }
  auto spans = tracer_.queue().take(10);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].span_id, "1111111111111111");
  EXPECT_EQ(spans[0].parent_span_id, "00f067aa0ba902b7");
  EXPECT_EQ(spans[0].kind, SpanKind::kServer);
  EXPECT_EQ(spans[0].name, "POST /api/v1/bills/inquiry");
  EXPECT_TRUE(spans[1].parent_span_id.empty());
}

TEST_F(SpanTest, UnsampledTracesAndDiscardedSpansSendNothing) {
  auto unsampled = Span::child_of("redis GET", SpanKind::kClient, kUnsampled);
  EXPECT_FALSE(unsampled.recording());
  EXPECT_EQ(unsampled.traceparent_or(kUnsampled), kUnsampled);
  auto invalid = Span::child_of("redis GET", SpanKind::kClient, "nonsense");
  EXPECT_FALSE(invalid.recording());
  auto probe = Span::for_hop("GET", kSampled, "");
  probe.discard();
  unsampled.end();
  probe.end();
  EXPECT_EQ(tracer_.queue().size(), 0u);
}

TEST_F(SpanTest, WithTracingOffNothingIsRecorded) {
  install(nullptr);
  auto span = Span::child_of("kos bill.inquiry", SpanKind::kClient, kSampled);
  EXPECT_FALSE(span.recording());
  hand_over(kSampled);
  EXPECT_FALSE(take_handed_over());
}

TEST_F(SpanTest, AFullQueueDropsFinishedSpans) {
  for (int i = 0; i < 10; ++i) Span::child_of("redis GET", SpanKind::kClient, kSampled).end();
  EXPECT_EQ(tracer_.queue().size(), 8u);
  EXPECT_EQ(tracer_.queue().dropped(), 2u);
}

TEST_F(SpanTest, AHandedOverContextIsTakenOnce) {
  hand_over(kSampled);
  auto taken = take_handed_over();
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->span_id, "00f067aa0ba902b7");
  EXPECT_FALSE(take_handed_over());
  hand_over(kUnsampled);  // nothing to record under
  EXPECT_FALSE(take_handed_over());
}

// A context nobody took in time is not given to whatever the thread runs later.
TEST_F(SpanTest, AStaleHandOverIsNotTaken) {
  hand_over(kSampled);
  std::this_thread::sleep_for(kFreshFor * 3);
  EXPECT_FALSE(take_handed_over());
}

}  // namespace
}  // namespace phonebill::tracing
