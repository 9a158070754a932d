// BreakerMetrics: one state series per breaker and state, and the transition counts.
#include "http/breaker_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace phonebill::http {
namespace {
constexpr std::string_view kStates[] = {"closed", "open", "half_open"};
}

BreakerMetrics::BreakerMetrics(prometheus::Registry& registry)
    : states_(prometheus::BuildGauge()
                  .Name("phonebill_circuit_breaker_state")
                  .Help("1 for the circuit breaker's current state, 0 for the others")
                  .Register(registry)),
      transitions_(prometheus::BuildCounter()
                       .Name("phonebill_circuit_breaker_transitions_total")
                       .Help("Circuit breaker transitions, by new state")
                       .Register(registry)) {}

void BreakerMetrics::set_state(const std::string& breaker, std::string_view state) {
  std::lock_guard lock{mutex_};
  for (auto name : kStates)
    states_.Add({{"breaker", breaker}, {"state", std::string{name}}}).Set(name == state ? 1 : 0);
}

void BreakerMetrics::count_transition(const std::string& breaker, std::string_view to) {
  std::lock_guard lock{mutex_};
  transitions_.Add({{"breaker", breaker}, {"to", std::string{to}}}).Increment();
}

}  // namespace phonebill::http
