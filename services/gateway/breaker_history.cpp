// Circuit-breaker history built from successive ops/status observations.
#include "breaker_history.hpp"

#include <boost/json/array.hpp>

#include "core/seoul_time.hpp"

namespace phonebill::gateway {

void BreakerHistory::observe(const std::string& service, const std::string& name,
                             const std::string& state, SystemTime now) {
  std::lock_guard lock{mutex_};
  auto [entry, inserted] = entries_.try_emplace({service, name});
  auto& history = entry->second;
  if (inserted) {
    // First sight: the breaker has been in this state for an unknown time; "since" is
    // when the gateway started watching, which the page labels as such.
    history.state = state;
    history.since = now;
    return;
  }
  if (history.state == state) return;
  history.transitions.push_front(Transition{history.state, state, now});
  if (history.transitions.size() > kTransitionsKept) history.transitions.pop_back();
  history.state = state;
  history.since = now;
}

void BreakerHistory::annotate(boost::json::object& breaker) const {
  auto* service = breaker.if_contains("service");
  auto* name = breaker.if_contains("name");
  if (service == nullptr || name == nullptr || !service->is_string() || !name->is_string()) return;
  std::lock_guard lock{mutex_};
  auto found = entries_.find({std::string{service->as_string()}, std::string{name->as_string()}});
  boost::json::array transitions;
  if (found == entries_.end()) {
    breaker["since"] = nullptr;
    breaker["lastTransitions"] = std::move(transitions);
    return;
  }
  for (const auto& transition : found->second.transitions)
    transitions.push_back(boost::json::object{
        {"from", transition.from}, {"to", transition.to}, {"at", iso8601_seoul(transition.at)}});
  breaker["since"] = iso8601_seoul(found->second.since);
  breaker["lastTransitions"] = std::move(transitions);
}

}  // namespace phonebill::gateway
