// kos.circuit.opened / kos.circuit.closed (issue 21: the MVNO AP server tells its users
// "시스템 일시 장애, 잠시 후 재시도" while KOS's circuit is open). CircuitEventObserver
// sits in front of a service's KOS observer: it passes every call on, and turns a
// breaker's closed→open and →closed transitions into events written to the outbox in a
// statement of their own (a transition describes no row), spawned off the thread that
// caused it, so the call that tripped the breaker never waits for the database. Per
// operation, the two events are ordered (one order key). Entry point: CircuitEventObserver.
#pragma once
#include <boost/asio/io_context.hpp>

#include <string>

#include "kos/resilient_kos_transport.hpp"
#include "outbox_store.hpp"

namespace phonebill::outbox {

class OutboxRelay;

// The event for `transition` of `operation`'s breaker; nullopt for transitions the MVNO
// AP server is not told about (open→half-open, half-open→open: still not serving).
std::optional<OutboxEvent> circuit_event(const std::string& service, kos::KosOperation operation,
                                         const resilience::BreakerTransition& transition,
                                         std::chrono::milliseconds open_duration);

class CircuitEventObserver final : public kos::KosObserver {
 public:
  // All must outlive the observer; `relay` may be null (nudged after each write).
  CircuitEventObserver(boost::asio::io_context& io, kos::KosObserver& inner, OutboxStore& store,
                       OutboxRelay* relay, std::string service,
                       std::chrono::milliseconds open_duration);

  void on_attempt(kos::KosOperation operation, const kos::KosAttempt& attempt) override {
    inner_.on_attempt(operation, attempt);
  }
  void on_refused(kos::KosOperation operation, kos::KosFailureKind kind) override {
    inner_.on_refused(operation, kind);
  }
  void on_admission(kos::KosOperation operation, resilience::Admission admission) override {
    inner_.on_admission(operation, admission);
  }
  void on_budget(kos::KosOperation operation, resilience::BudgetVerdict verdict) override {
    inner_.on_budget(operation, verdict);
  }
  void on_coalesced(kos::KosOperation operation, resilience::FleetRole role) override {
    inner_.on_coalesced(operation, role);
  }
  void on_transition(kos::KosOperation operation,
                     const resilience::BreakerTransition& transition) override;

 private:
  boost::asio::io_context& io_;
  kos::KosObserver& inner_;
  OutboxStore& store_;
  OutboxRelay* relay_;
  const std::string service_;
  const std::chrono::milliseconds open_duration_;
};

}  // namespace phonebill::outbox
