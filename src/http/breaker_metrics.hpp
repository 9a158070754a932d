// The circuit-breaker families every process exports under one name (SPEC §13), the
// gateway's upstream breakers and the services' KOS breakers alike:
//   phonebill_circuit_breaker_state{breaker, state="closed|open|half_open"}  1 for the
//       breaker's current state, 0 for the other two (one series per state, so
//       `phonebill_circuit_breaker_state{state="open"} == 1` is the alert, and no reader
//       has to know a numeric code)
//   phonebill_circuit_breaker_transitions_total{breaker, to}
// `breaker` is the breaker's own name ("kos.bill.inquiry", "upstream.bill-inquiry").
// State names are resilience::to_string's. Thread-safe. Entry point: BreakerMetrics.
#pragma once
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
class Counter;
class Gauge;
template <typename T>
class Family;
}  // namespace prometheus

namespace phonebill::http {

class BreakerMetrics {
 public:
  explicit BreakerMetrics(prometheus::Registry& registry);

  // Sets `breaker`'s state series (creating them on first use).
  void set_state(const std::string& breaker, std::string_view state);
  void count_transition(const std::string& breaker, std::string_view to);

 private:
  prometheus::Family<prometheus::Gauge>& states_;
  prometheus::Family<prometheus::Counter>& transitions_;
  std::mutex mutex_;
};

}  // namespace phonebill::http
