// Scenario-line rules (fault_scenarios.hpp).
#include "fault_scenarios.hpp"

namespace phonebill::kos_sim {

ScenarioEffect scenario_for(std::string_view line_number) {
  if (line_number == kSystemErrorLine) return ScenarioEffect{std::chrono::milliseconds{0}, true};
  if (line_number == kSlowLine) return ScenarioEffect{kSlowLineExtraDelay, false};
  return ScenarioEffect{};
}

FaultPlan apply_scenario(FaultPlan plan, std::string_view line_number) {
  auto effect = scenario_for(line_number);
  plan.delay += effect.extra_delay;
  if (effect.system_error && !plan.outage && !plan.never_answer) plan.system_error = true;
  return plan;
}

}  // namespace phonebill::kos_sim
