// bill-inquiry's domain (SPEC §5): menu, inquiry (validation, line ownership from the
// token, cache-aside with stale serving and coalescing, KOS code mapping), inquiry by
// id and history. No HTTP types: handlers adapt, this decides. Every inquiry's history
// (request + KOS calls) is committed through the group-commit writer before the answer
// is returned. Entry points: BillService::menu, inquire, find_inquiry, history.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <functional>
#include <optional>
#include <string>

#include "bill_cache.hpp"
#include "history_store.hpp"
#include "history_writer.hpp"
#include "http/api_error.hpp"
#include "http/history_query.hpp"
#include "http/outcome.hpp"
#include "kos/kos_client.hpp"
#include "kos/resilient_kos_transport.hpp"
#include "kos_gate.hpp"
#include "security/access_token.hpp"
#include "single_flight.hpp"

namespace phonebill::bill {

class BillMetrics;

inline constexpr std::string_view kBillInquiryPermission = "BILL_INQUIRY";
inline constexpr int kInquirableMonths = 24;  // the current month and the 23 before it
inline constexpr int kMenuFallbackMonths = 6;

using http::Failure;
using http::Outcome;

// 404 LINE_NOT_FOUND, 404 BILL_NOT_FOUND, 409 LINE_INACTIVE.
enum class BillError { kLineNotFound, kBillNotFound, kLineInactive };
http::ApiError bill_error(BillError error);

// The HTTP request this call serves (propagation, history).
struct RequestInfo {
  std::string http_request_id;
  std::string traceparent;
  std::string trace_id;
  Deadline deadline;
};

// Raw inputs (the handler has checked JSON types only).
struct InquiryInput {
  std::optional<std::string> line_number;
  std::optional<std::string> inquiry_month;
};

using http::HistoryQuery;

// The month asked for, validated against `current` (Seoul): YYYY-MM or YYYYMM, not in
// the future, not older than kInquirableMonths. Adds a FieldError under inquiryMonth.
std::optional<BillingMonth> validate_month(const std::optional<std::string>& input,
                                           const BillingMonth& current, FieldErrors& errors);

// How cache misses reach KOS: through the KosGate (bounded queue in front of the KOS
// bulkhead), and within `kos_budget` from the moment they queue (the inquiry timeout:
// time spent queueing counts against it).
struct BillKosPolicy {
  KosGateOptions gate;
  std::chrono::milliseconds kos_budget{3'000};
};

class BillService {
 public:
  // All references must outlive the service. `metrics` may be set later (set_metrics).
  BillService(kos::KosClient& kos, BillCache& cache, HistoryWriter& writer, HistoryStore& store,
              const Clock& clock, BillKosPolicy kos_policy = {});
  void set_metrics(BillMetrics* metrics) { metrics_ = metrics; }
  // Where misses the KOS gate refuses are reported, like the KOS client's own refusals.
  void set_kos_observer(kos::KosObserver* observer) { kos_observer_ = observer; }
  // The KOS bill-inquiry breaker's state, for the history row of a miss the gate refused.
  void set_circuit_state(std::function<std::string()> source) {
    circuit_state_ = std::move(source);
  }
  const KosGate& kos_gate() const { return gate_; }

  boost::asio::awaitable<Outcome<boost::json::object>> menu(security::VerifiedToken caller,
                                                            RequestInfo info);
  boost::asio::awaitable<Outcome<boost::json::object>> inquire(security::VerifiedToken caller,
                                                               InquiryInput input,
                                                               RequestInfo info);
  boost::asio::awaitable<Outcome<boost::json::object>> find_inquiry(security::VerifiedToken caller,
                                                                    std::string request_id,
                                                                    RequestInfo info);
  boost::asio::awaitable<Outcome<boost::json::object>> history(security::VerifiedToken caller,
                                                               HistoryQuery query,
                                                               RequestInfo info);

 private:
  boost::asio::awaitable<Outcome<boost::json::object>> answer_inquiry(
      const security::VerifiedToken& caller, const InquiryInput& input, const RequestInfo& info,
      HistoryEntry& entry);
  boost::asio::awaitable<kos::KosReply<kos::Bill>> fetch_bill(std::string line_number,
                                                              BillingMonth month,
                                                              std::string request_id,
                                                              RequestInfo info);

  kos::KosClient& kos_;
  BillCache& cache_;
  HistoryWriter& writer_;
  HistoryStore& store_;
  const Clock& clock_;
  BillMetrics* metrics_ = nullptr;
  kos::KosObserver* kos_observer_ = nullptr;
  BillKosPolicy kos_policy_;
  KosGate gate_;
  std::function<std::string()> circuit_state_;
  SingleFlight<kos::KosReply<kos::Bill>> flights_;
};

}  // namespace phonebill::bill
