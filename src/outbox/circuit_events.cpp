// kos.circuit.* events from breaker transitions (see circuit_events.hpp).
#include "circuit_events.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "core/log.hpp"
#include "outbox_relay.hpp"

namespace phonebill::outbox {

std::optional<OutboxEvent> circuit_event(const std::string& service, kos::KosOperation operation,
                                         const resilience::BreakerTransition& transition,
                                         std::chrono::milliseconds open_duration) {
  using resilience::BreakerState;
  std::string_view type;
  if (transition.to == BreakerState::kOpen && transition.from == BreakerState::kClosed)
    type = event_type::kKosCircuitOpened;
  else if (transition.to == BreakerState::kClosed && transition.from != BreakerState::kClosed)
    type = event_type::kKosCircuitClosed;
  else
    return std::nullopt;
  boost::json::object payload{{"operation", kos::to_string(operation)},
                              {"breaker", transition.name},
                              {"state", resilience::to_string(transition.to)}};
  if (type == event_type::kKosCircuitOpened) {
    payload["consecutiveFailures"] = transition.consecutive_failures;
    payload["retryAfterSeconds"] = (open_duration.count() + 999) / 1000;
    payload["message"] = "시스템 일시 장애, 잠시 후 재시도";
  }
  auto event = make_event(type, transition.at, service, std::nullopt, {}, {}, std::move(payload));
  // Opened and closed of one breaker go out in the order they happened.
  event.order_key = "kos-circuit:" + service + ":" + std::string{kos::to_string(operation)};
  event.request_id = event.id;
  return event;
}

CircuitEventObserver::CircuitEventObserver(boost::asio::io_context& io, kos::KosObserver& inner,
                                           OutboxStore& store, OutboxRelay* relay,
                                           std::string service,
                                           std::chrono::milliseconds open_duration)
    : io_(io),
      inner_(inner),
      store_(store),
      relay_(relay),
      service_(std::move(service)),
      open_duration_(open_duration) {}

void CircuitEventObserver::on_transition(kos::KosOperation operation,
                                         const resilience::BreakerTransition& transition) {
  inner_.on_transition(operation, transition);
  auto event = circuit_event(service_, operation, transition, open_duration_);
  if (!event) return;
  auto write = [](OutboxStore& store, OutboxRelay* relay,
                  OutboxEvent event) -> boost::asio::awaitable<void> {
    std::vector<OutboxEvent> events{event};
    auto inserted =
        co_await store.insert(std::move(events), deadline_after(std::chrono::seconds{10}));
    if (!inserted) {
      // KOS is failing and perhaps the database too: the transition is in the log and
      // the metrics either way.
      log::warn("outbox_circuit_event_failed",
                {{"type", event.type}, {"error", storage::describe(inserted.error())}});
      co_return;
    }
    if (relay) relay->notify();
  };
  boost::asio::co_spawn(io_, write(store_, relay_, std::move(*event)), boost::asio::detached);
}

}  // namespace phonebill::outbox
