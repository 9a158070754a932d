// The KOS observer bill-inquiry gives its KOS transport: every event goes on to the KOS
// client's metrics (kos_*), and the admissions of bill fetches through their queue also
// count as bill_kos_gate_total. Entry point: BillKosObserver.
#pragma once
#include "bill_metrics.hpp"
#include "kos/resilient_kos_transport.hpp"

namespace phonebill::bill {

class BillKosObserver final : public kos::KosObserver {
 public:
  // Both must outlive the observer.
  BillKosObserver(kos::KosObserver& kos_metrics, BillMetrics& metrics)
      : kos_metrics_(kos_metrics), metrics_(metrics) {}

  void on_attempt(kos::KosOperation operation, const kos::KosAttempt& attempt) override {
    kos_metrics_.on_attempt(operation, attempt);
  }
  void on_refused(kos::KosOperation operation, kos::KosFailureKind kind) override {
    kos_metrics_.on_refused(operation, kind);
  }
  void on_budget(kos::KosOperation operation, resilience::BudgetVerdict verdict) override {
    kos_metrics_.on_budget(operation, verdict);
  }
  void on_coalesced(kos::KosOperation operation, resilience::FleetRole role) override {
    kos_metrics_.on_coalesced(operation, role);
  }
  void on_transition(kos::KosOperation operation,
                     const resilience::BreakerTransition& transition) override {
    kos_metrics_.on_transition(operation, transition);
  }
  void on_admission(kos::KosOperation operation, resilience::Admission admission) override {
    kos_metrics_.on_admission(operation, admission);
    if (operation == kos::KosOperation::kBillInquiry) metrics_.kos_gate(admission);
  }

 private:
  kos::KosObserver& kos_metrics_;
  BillMetrics& metrics_;
};

}  // namespace phonebill::bill
