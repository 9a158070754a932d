// RetryPolicy: the backoff arithmetic; see retry.hpp for the contract.
#include "resilience/retry.hpp"

#include <algorithm>
#include <cmath>

namespace phonebill::resilience {

std::chrono::milliseconds RetryPolicy::delay_before(int retry, Random& random) const {
  if (retry < 1) retry = 1;
  double nominal = double(base_delay.count()) * std::pow(2.0, double(std::min(retry - 1, 30)));
  nominal = std::min(nominal, double(max_delay.count()));
  double spread = std::clamp(jitter, 0.0, 1.0);
  double scaled = nominal * random.uniform(1.0 - spread, 1.0);
  if (spread == 0.0) scaled = nominal;
  return std::chrono::milliseconds{std::max<std::int64_t>(0, std::llround(scaled))};
}

RetryPolicy RetryPolicy::from_environment(const Environment& environment, const std::string& prefix,
                                          RetryPolicy defaults) {
  RetryPolicy policy = defaults;
  policy.max_retries =
      int(environment.integer(prefix + "_MAX_RETRIES", defaults.max_retries, 0, 10));
  policy.base_delay = environment.milliseconds(prefix + "_BASE_DELAY_MS", defaults.base_delay);
  policy.max_delay = environment.milliseconds(prefix + "_MAX_DELAY_MS", defaults.max_delay);
  // Also what a fleet budget grant must leave (resilience/shared_budget.hpp): set it to the
  // KOS call time an operator expects, so no call is sent that cannot finish in time.
  policy.minimum_attempt_time =
      environment.milliseconds(prefix + "_MINIMUM_ATTEMPT_MS", defaults.minimum_attempt_time);
  return policy;
}

}  // namespace phonebill::resilience
