// The typed KOS-Order client (SPEC §7, STYLE §8): one call per KOS operation, each
// answering a KosReply — the payload, a business "no" (1001…3003), or a KosFailure
// (timeout, transport, 9999, 9001, circuit open, bulkhead full) — plus a record of every
// attempt for the callers' history. Requests travel through a KosTransport, so the
// resilience decorators (resilient_kos_transport.hpp) are written once for all six
// operations. Entry points: KosClient, KosTransport.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

#include "kos/kos_reply.hpp"
#include "kos/wire.hpp"

namespace phonebill::kos {

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
