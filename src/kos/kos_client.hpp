// The typed KOS-Order client (SPEC §7, STYLE §8): one call per KOS operation, each
// answering a KosReply — the payload, a business "no" (1001…3003), or a KosFailure
// (timeout, transport, 9999, 9001, circuit open, bulkhead full) — plus a record of every
// attempt for the callers' history. Requests travel through a KosTransport, so the
// resilience decorators (resilient_kos_transport.hpp) are written once for all six
// operations. Entry points: KosClient, KosTransport.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/deadline.hpp"
#include "kos/result_code.hpp"
#include "kos/wire.hpp"

namespace phonebill::kos {

// The six KOS endpoints; each has its own breaker and timeout.
enum class KosOperation {
  kBillInquiry,
  kAvailableMonths,
  kProductInquiry,
  kProductList,
  kProductChange,
  kOrderLookup,
};
inline constexpr KosOperation kAllKosOperations[] = {
    KosOperation::kBillInquiry, KosOperation::kAvailableMonths, KosOperation::kProductInquiry,
    KosOperation::kProductList, KosOperation::kProductChange,   KosOperation::kOrderLookup,
};
// kos-sim's endpoint names: "bill.inquiry", "bill.months", "product.inquiry", ...
std::string_view to_string(KosOperation operation);
// Only a product change is not idempotent without its requestId (SPEC §7).
bool is_change(KosOperation operation);

enum class KosFailureKind {
  kTimeout,       // no answer within the deadline
  kTransport,     // connect failed, reset, 5xx, unparseable answer
  kSystemError,   // 9999
  kRejected,      // 9001: our request was malformed
  kCircuitOpen,   // not sent: the operation's breaker is open
  kBulkheadFull,  // not sent: too many KOS calls in flight
};
std::string_view to_string(KosFailureKind kind);

struct KosFailure {
  KosFailureKind kind = KosFailureKind::kTransport;
  std::string message;                       // for logs and history only
  std::chrono::milliseconds retry_after{0};  // kCircuitOpen: when it may admit again
};

// One request sent (or refused) to KOS, as the history records it.
struct KosAttempt {
  int number = 1;  // 1 for the first attempt, 2.. for retries
  SystemTime started_at;
  SystemTime finished_at;
  std::optional<KosResultCode> result_code;  // absent when KOS gave no envelope
  std::string result_message;                // KOS's message or the failure text
  std::optional<KosFailureKind> failure;     // set when the attempt failed
  std::string circuit_state;                 // the breaker's state when admitted
};

// Who asks, for propagation (SPEC §2) and the deadline of the whole call.
struct KosCallContext {
  Deadline deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  std::string request_id;   // X-Request-Id
  std::string traceparent;  // W3C traceparent
};

// What KOS said (or why it said nothing). Exactly one of: failure set; code is a
// business error (data empty); code kSuccess with data.
template <typename T>
struct KosReply {
  std::optional<KosFailure> failure;
  KosResultCode code = KosResultCode::kSystemError;
  std::string message;
  std::optional<T> data;
  std::vector<KosAttempt> attempts;

  bool ok() const { return !failure && code == KosResultCode::kSuccess && data.has_value(); }
  bool business_error() const { return !failure && is_business_error(code); }
};

// ---- Transport ------------------------------------------------------------------------

struct KosRequest {
  KosOperation operation = KosOperation::kBillInquiry;
  std::string method = "GET";
  std::string target;  // "/api/v1/kos/bill/inquiry"
  std::string body;    // JSON text, empty for GET
};

// The outcome of one exchange: an envelope (any result code) or a failure, with the
// attempts it took.
struct KosExchange {
  std::optional<KosFailure> failure;
  KosResultCode code = KosResultCode::kSystemError;
  std::string message;
  boost::json::value data;
  std::vector<KosAttempt> attempts;
};

class KosTransport {
 public:
  virtual ~KosTransport() = default;
  // Sends `request` and resumes with KOS's envelope or a failure by context.deadline.
  // Never throws for what networks do.
  virtual boost::asio::awaitable<KosExchange> exchange(KosRequest request,
                                                       KosCallContext context) = 0;
};

// ---- Typed client ----------------------------------------------------------------------

// Builds each request, sends it through the transport and parses the payload (an
// unparseable success payload becomes a kTransport failure). `transport` must outlive it.
class KosClient {
 public:
  explicit KosClient(KosTransport& transport) : transport_(transport) {}

  boost::asio::awaitable<KosReply<Bill>> inquire_bill(BillInquiryRequest request,
                                                      KosCallContext context);
  boost::asio::awaitable<KosReply<AvailableMonths>> available_months(std::string line_number,
                                                                     KosCallContext context);
  boost::asio::awaitable<KosReply<ProductInquiryResult>> inquire_product(
      ProductInquiryRequest request, KosCallContext context);
  boost::asio::awaitable<KosReply<ProductList>> list_products(KosCallContext context);
  boost::asio::awaitable<KosReply<ProductChangeResult>> change_product(ProductChangeRequest request,
                                                                       KosCallContext context);
  boost::asio::awaitable<KosReply<OrderInfo>> find_order(std::string request_id,
                                                         KosCallContext context);

 private:
  KosTransport& transport_;
};

}  // namespace phonebill::kos
