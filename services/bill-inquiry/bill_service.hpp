// bill-inquiry's domain (SPEC §5): menu, inquiry (validation, line ownership from the
// token, cache-aside with stale serving and coalescing — in this process by a single
// flight, across instances by a fill lock — KOS code mapping), inquiry by
// id and history. Answers plain values or a BillStatus refusal; no HTTP, no JSON. Every
// inquiry's history (request + KOS calls) is committed through the HistoryWriter before
// the answer is returned. I/O enters through KosClient, BillCache, HistoryWriter,
// HistoryStore and the Clock. Entry points: BillService::menu, inquire, find_inquiry,
// history; validate_month.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bill_cache.hpp"
#include "bill_status.hpp"
#include "bill_values.hpp"
#include "core/request_info.hpp"
#include "core/result.hpp"
#include "history/history_query.hpp"
#include "history_store.hpp"
#include "history_writer.hpp"
#include "kos/kos_client.hpp"
#include "resilience/fleet_coalescing.hpp"
#include "security/access_token.hpp"

namespace phonebill::kos {
class KosObserver;
}

namespace phonebill::bill {

class BillMetrics;

inline constexpr std::string_view kBillInquiryPermission = "BILL_INQUIRY";
inline constexpr int kInquirableMonths = 24;  // the current month and the 23 before it
inline constexpr int kMenuFallbackMonths = 6;

// Raw inputs (the handler has checked JSON types only).
struct InquiryInput {
  std::optional<std::string> line_number;
  std::optional<std::string> inquiry_month;
};

// The month asked for, validated against `current` (Seoul): YYYY-MM or YYYYMM, not in
// the future, not older than kInquirableMonths. Adds a FieldError under inquiryMonth.
std::optional<BillingMonth> validate_month(const std::optional<std::string>& input,
                                           const BillingMonth& current, FieldErrors& errors);

// New request ids (the inquiry's requestId, KOS's requestId of a menu call).
using RequestIdSource = std::function<std::string()>;

// Cross-instance coalescing of bill misses (SPEC §7).
using resilience::FleetCoalescing;

class BillService {
 public:
  // All references must outlive the service. `metrics` may be set later (set_metrics).
  BillService(kos::KosClient& kos, BillCache& cache, HistoryWriter& writer, HistoryStore& store,
              const Clock& clock, RequestIdSource new_request_id, FleetCoalescing fleet = {});
  ~BillService();
  // `kos_observer` is told what each coalesced miss did (kos_coalesced_total).
  void set_metrics(BillMetrics* metrics, kos::KosObserver* kos_observer = nullptr) {
    metrics_ = metrics;
    kos_observer_ = kos_observer;
  }

  boost::asio::awaitable<Result<BillMenu, BillStatus>> menu(security::VerifiedToken caller,
                                                            RequestInfo info);
  // The arguments must outlive the call (co_await it at once): copies of them in the
  // handler's and this coroutine's frames would take both past the 1,020 bytes Asio's
  // per-thread frame cache keeps (a malloc in glibc's bins per inquiry, issue 17 item 3).
  boost::asio::awaitable<Result<InquiryAnswer, BillStatus>> inquire(
      const security::VerifiedToken& caller, const InquiryInput& input, const RequestInfo& info);
  boost::asio::awaitable<Result<HistoryRecord, BillStatus>> find_inquiry(
      security::VerifiedToken caller, std::string request_id, RequestInfo info);
  boost::asio::awaitable<Result<HistoryPage, BillStatus>> history(security::VerifiedToken caller,
                                                                  history::HistoryQuery query,
                                                                  RequestInfo info);

 private:
  struct Target {  // the line and month an inquiry is for
    std::string line_number;
    BillingMonth month;
  };
  struct Flights;  // the coalescing of concurrent misses (resilience::SingleFlight)
  struct Fetched;  // KOS's answer, or another instance's fill found in the cache

  Result<Target, BillStatus> inquiry_target(const security::VerifiedToken& caller,
                                            const InquiryInput& input) const;
  boost::asio::awaitable<Result<InquiryAnswer, BillStatus>> answer_inquiry(
      const security::VerifiedToken& caller, const InquiryInput& input, const RequestInfo& info,
      HistoryEntry& entry);
  boost::asio::awaitable<Result<InquiryAnswer, BillStatus>> answer_from_kos(
      const Target& target, std::optional<CachedBill> stale, const RequestInfo& info,
      HistoryEntry& entry);
  boost::asio::awaitable<Fetched> fetch_across_fleet(Target target, std::string request_id,
                                                     RequestInfo info);
  boost::asio::awaitable<kos::KosReply<kos::Bill>> fetch_bill(Target target, std::string request_id,
                                                              RequestInfo info);
  InquiryAnswer answered(HistoryEntry& entry, const ShownBill& bill, BillSource source,
                         std::optional<SystemTime> cached_at) const;
  HistoryEntry start_entry(const security::VerifiedToken& caller, const RequestInfo& info) const;
  void finish_entry(HistoryEntry& entry, const Result<InquiryAnswer, BillStatus>& answer) const;

  kos::KosClient& kos_;
  BillCache& cache_;
  HistoryWriter& writer_;
  HistoryStore& store_;
  const Clock& clock_;
  RequestIdSource new_request_id_;
  FleetCoalescing fleet_;
  BillMetrics* metrics_ = nullptr;
  kos::KosObserver* kos_observer_ = nullptr;
  std::unique_ptr<Flights> flights_;
};

}  // namespace phonebill::bill
