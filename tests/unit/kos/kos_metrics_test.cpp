// kos_call_duration_seconds takes an attempt's steady elapsed time, not the difference of
// its two wall readings (an NTP step between them must not record a negative or hour-long
// call).
#include <gtest/gtest.h>

#include <prometheus/registry.h>

#include <map>
#include <string>

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

// The value of phonebill_circuit_breaker_state{breaker, state}, -1 when absent.
double breaker_state(prometheus::Registry& registry, const std::string& breaker,
                     const std::string& state) {
  for (const auto& family : registry.Collect()) {
    if (family.name != "phonebill_circuit_breaker_state") continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& label : metric.label) labels[label.name] = label.value;
      if (labels["breaker"] == breaker && labels["state"] == state) return metric.gauge.value;
    }
  }
  return -1;
}

// One series per state, named by the breaker (the family the gateway shares): closed
// from the start for the breakers in use, and the new state at 1 after a transition.
TEST(KosMetrics, BreakerStateIsOneSeriesPerState) {
  prometheus::Registry registry;
  KosMetrics metrics{registry, {KosOperation::kBillInquiry}};
  EXPECT_EQ(breaker_state(registry, "kos.bill.inquiry", "closed"), 1);
  EXPECT_EQ(breaker_state(registry, "kos.bill.inquiry", "open"), 0);
  metrics.on_transition(
      KosOperation::kBillInquiry,
      resilience::BreakerTransition{"kos.bill.inquiry", resilience::BreakerState::kClosed,
                                    resilience::BreakerState::kOpen, SystemTime{}, 5});
  EXPECT_EQ(breaker_state(registry, "kos.bill.inquiry", "closed"), 0);
  EXPECT_EQ(breaker_state(registry, "kos.bill.inquiry", "open"), 1);
  EXPECT_EQ(breaker_state(registry, "kos.bill.inquiry", "half_open"), 0);
}

}  // namespace
}  // namespace phonebill::kos
