// The fixed scenario lines of SPEC §8: 01099990002 answers 9999, 01099990003 is 5 s slow.
#include "fault_scenarios.hpp"

#include <gtest/gtest.h>

using namespace phonebill::kos_sim;
using std::chrono::milliseconds;

// Ordinary lines, the no-bill line included, get nothing from the scenario rules.
TEST(FaultScenarios, OrdinaryLinesAreUntouched) {
  for (auto line : {"01012345678", "01099990001", "01099990004", ""})
    EXPECT_EQ(scenario_for(line), ScenarioEffect{}) << line;
  FaultPlan plan{milliseconds{120}};
  EXPECT_EQ(apply_scenario(plan, "01012345678"), plan);
}

// 01099990002 always answers 9999, keeping the plan's delay.
TEST(FaultScenarios, SystemErrorLineAnswers9999) {
  auto plan = apply_scenario(FaultPlan{milliseconds{80}}, kSystemErrorLine);
  EXPECT_TRUE(plan.system_error);
  EXPECT_EQ(plan.delay, milliseconds{80});
}

// 01099990003 takes five seconds on top of the configured latency.
TEST(FaultScenarios, SlowLineAddsFiveSeconds) {
  auto plan = apply_scenario(FaultPlan{milliseconds{100}}, kSlowLine);
  EXPECT_EQ(plan.delay, milliseconds{5100});
  EXPECT_FALSE(plan.system_error);
}

// An injected outage or timeout stays what it is on a scenario line.
TEST(FaultScenarios, OutageAndTimeoutWinOverScenarioError) {
  FaultPlan outage;
  outage.outage = true;
  EXPECT_FALSE(apply_scenario(outage, kSystemErrorLine).system_error);
  FaultPlan timeout;
  timeout.never_answer = true;
  EXPECT_FALSE(apply_scenario(timeout, kSystemErrorLine).system_error);
}
