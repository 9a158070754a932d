// The fixed scenario lines of SPEC §8, as a pure rule: 01099990002 always answers 9999,
// 01099990003 always takes 5 s longer. (01099990001, "never has a bill", is data: the
// generator gives it no bills, so it answers 1003 on its own.) Entry point:
// apply_scenario, called with the plan from FaultSettings::decide and the request's line.
#pragma once
#include <chrono>
#include <string_view>

#include "fault_settings.hpp"

namespace phonebill::kos_sim {

inline constexpr std::string_view kNoBillLine = "01099990001";
inline constexpr std::string_view kSystemErrorLine = "01099990002";
inline constexpr std::string_view kSlowLine = "01099990003";
inline constexpr std::chrono::milliseconds kSlowLineExtraDelay{5000};

struct ScenarioEffect {
  std::chrono::milliseconds extra_delay{0};
  bool system_error = false;
  bool operator==(const ScenarioEffect&) const = default;
};

// What the scenario rules add for a request about `line_number` (canonical form);
// nothing for any other line.
ScenarioEffect scenario_for(std::string_view line_number);

// The plan with the line's scenario applied: the extra delay is added to the plan's
// delay, and a 9999 line answers 9999 unless the plan already is an outage or a
// timeout (those win, as in decide). Applies to the endpoints that name a line:
// bill.inquiry, bill.months, product.inquiry and product.change.
FaultPlan apply_scenario(FaultPlan plan, std::string_view line_number);

}  // namespace phonebill::kos_sim
