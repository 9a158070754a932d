// FleetCoalescingOptions from the environment and FleetRole names (the coalescing itself
// is the template in fleet_coalescing.hpp).
#include "resilience/fleet_coalescing.hpp"

namespace phonebill::resilience {

std::string_view to_string(FleetRole role) {
  switch (role) {
    case FleetRole::kHolder:
      return "holder";
    case FleetRole::kFilled:
      return "filled";
    case FleetRole::kTakenOver:
      return "taken_over";
    case FleetRole::kDirect:
      return "direct";
    case FleetRole::kGaveUp:
      return "gave_up";
  }
  return "unknown";
}

FleetCoalescingOptions FleetCoalescingOptions::from_environment(const Environment& environment,
                                                                const std::string& prefix,
                                                                FleetCoalescingOptions defaults) {
  using std::chrono::milliseconds;
  auto options = defaults;
  options.enabled = environment.boolean(prefix + "_ENABLED", defaults.enabled);
  options.lock_ttl = environment.milliseconds(prefix + "_LOCK_MS", defaults.lock_ttl,
                                              milliseconds{10}, milliseconds{600'000});
  options.first_poll = environment.milliseconds(prefix + "_POLL_MS", defaults.first_poll,
                                                milliseconds{1}, milliseconds{10'000});
  options.max_poll = environment.milliseconds(prefix + "_MAX_POLL_MS", defaults.max_poll,
                                              options.first_poll, milliseconds{10'000});
  options.minimum_call_time = environment.milliseconds(
      prefix + "_MIN_CALL_MS", defaults.minimum_call_time, milliseconds{0}, milliseconds{60'000});
  return options;
}

}  // namespace phonebill::resilience
