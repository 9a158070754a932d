// The live fault settings kos-sim applies to every request, replaced at run time
// through /admin/faults. Readers take a snapshot without locking each other out.
#pragma once
#include <memory>
#include <mutex>
#include <string_view>

#include "core/random.hpp"
#include "fault_settings.hpp"

namespace phonebill::kos_sim {

class FaultController {
 public:
  FaultController(FaultSettings initial, Random& random);

  FaultSettings current() const;
  void replace(FaultSettings settings);
  // Back to the settings kos-sim started with (configuration defaults).
  void reset();

  // The plan for one request; `line_number` (canonical, may be empty) adds the fixed
  // scenario lines' behaviour.
  FaultPlan plan(Endpoint endpoint, std::string_view line_number) const;

 private:
  std::shared_ptr<const FaultSettings> snapshot() const;

  const FaultSettings initial_;
  Random& random_;
  mutable std::mutex mutex_;
  std::shared_ptr<const FaultSettings> settings_;
};

}  // namespace phonebill::kos_sim
