// kos_call_duration_seconds takes an attempt's steady elapsed time, not the difference of
// its two wall readings (an NTP step between them must not record a negative or hour-long
// call).
#include <gtest/gtest.h>

#include <prometheus/registry.h>

#include "kos/kos_metrics.hpp"

namespace phonebill::kos {
namespace {

using namespace std::chrono_literals;

// The seconds observed by kos_call_duration_seconds, over every operation's series.
double duration_sum(prometheus::Registry& registry) {
  double sum = 0;
  for (const auto& family : registry.Collect())
    if (family.name == "kos_call_duration_seconds")
      for (const auto& metric : family.metric) sum += metric.histogram.sample_sum;
  return sum;
}

TEST(KosMetrics, DurationIsTheSteadyElapsedTime) {
  prometheus::Registry registry;
  KosMetrics metrics{registry, {KosOperation::kBillInquiry}};
  KosAttempt attempt;
  attempt.started_at = SystemTime{std::chrono::hours{24}};
  attempt.finished_at = attempt.started_at - 1h;  // wall time stepped back mid-call
  attempt.elapsed = 250ms;
  attempt.result_code = KosResultCode::kSuccess;
  metrics.on_attempt(KosOperation::kBillInquiry, attempt);
  EXPECT_DOUBLE_EQ(duration_sum(registry), 0.25);
}

}  // namespace
}  // namespace phonebill::kos
