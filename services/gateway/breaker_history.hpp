// What the operations page shows of each circuit breaker beyond its current state: when
// it entered that state and its last transitions. The services only export the state
// gauge and cumulative transition counters, so the history is built here from successive
// observations (every ops/status scrape, at most every 2 s): a state that differs from
// the last one seen is a transition at the time it was seen. Transitions that return to
// the same state between two observations show only in the counters. Pure, on the
// caller's clock. Entry points: BreakerHistory::observe, BreakerHistory::annotate.
#pragma once
#include <boost/json/object.hpp>

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "core/clock.hpp"

namespace phonebill::gateway {

class BreakerHistory {
 public:
  static constexpr std::size_t kTransitionsKept = 10;

  // Records the state of breaker `name` of `service` as seen at `now`.
  void observe(const std::string& service, const std::string& name, const std::string& state,
               SystemTime now);

  // Adds `since` (ISO-8601, when the current state was first seen) and `lastTransitions`
  // ([{from, to, at}], newest first) to a breaker entry {service, name, state, ...}.
  void annotate(boost::json::object& breaker) const;

 private:
  struct Transition {
    std::string from;
    std::string to;
    SystemTime at;
  };
  struct Entry {
    std::string state;
    SystemTime since;
    std::deque<Transition> transitions;  // newest first
  };

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Entry> entries_;
};

}  // namespace phonebill::gateway
