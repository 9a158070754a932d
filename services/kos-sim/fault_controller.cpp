// The live fault settings, replaced at run time and read as snapshots.
#include "fault_controller.hpp"

#include "core/log.hpp"
#include "fault_scenarios.hpp"

namespace phonebill::kos_sim {

FaultController::FaultController(FaultSettings initial, Random& random)
    : initial_(std::move(initial)),
      random_(random),
      settings_(std::make_shared<const FaultSettings>(initial_)) {}

std::shared_ptr<const FaultSettings> FaultController::snapshot() const {
  std::lock_guard lock{mutex_};
  return settings_;
}

FaultSettings FaultController::current() const { return *snapshot(); }

void FaultController::replace(FaultSettings settings) {
  auto replacement = std::make_shared<const FaultSettings>(std::move(settings));
  log::info("faults_replaced", {{"settings", to_json(*replacement)}});
  std::lock_guard lock{mutex_};
  settings_ = std::move(replacement);
}

void FaultController::reset() { replace(initial_); }

FaultPlan FaultController::plan(Endpoint endpoint, std::string_view line_number) const {
  auto plan = snapshot()->decide(endpoint, random_);
  if (!line_number.empty()) plan = apply_scenario(plan, line_number);
  return plan;
}

}  // namespace phonebill::kos_sim
