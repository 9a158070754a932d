// KosClient: request building and payload parsing for the six KOS operations; the
// transport (and its decorators) does the sending. See kos_client.hpp.
#include "kos/kos_client.hpp"

#include "core/json.hpp"
#include "kos/codec.hpp"

namespace phonebill::kos {
namespace {

// The reply for an exchange: failures and non-success codes pass through, a success
// payload is parsed with `parse` (a malformed one is a transport failure).
template <typename T, typename Parse>
KosReply<T> to_reply(KosExchange exchange, Parse parse) {
  KosReply<T> reply;
  reply.attempts = std::move(exchange.attempts);
  reply.code = exchange.code;
  reply.message = std::move(exchange.message);
  if (exchange.failure) {
    reply.failure = std::move(exchange.failure);
    return reply;
  }
  if (exchange.code != KosResultCode::kSuccess) return reply;
  FieldErrors errors;
  reply.data = parse(exchange.data, errors);
  if (!reply.data) {
    std::string text = "unparseable KOS payload";
    if (!errors.empty())
      text += ": " + errors.list().front().field + " " + errors.list().front().reason;
    reply.failure = KosFailure{KosFailureKind::kTransport, text, {}};
  }
  return reply;
}

KosRequest post(KosOperation operation, std::string target, const boost::json::object& body) {
  return KosRequest{operation, "POST", std::move(target), to_json_text(body)};
}

}  // namespace

std::string_view to_string(KosOperation operation) {
  switch (operation) {
    case KosOperation::kBillInquiry:
      return "bill.inquiry";
    case KosOperation::kAvailableMonths:
      return "bill.months";
    case KosOperation::kProductInquiry:
      return "product.inquiry";
    case KosOperation::kProductList:
      return "product.list";
    case KosOperation::kProductChange:
      return "product.change";
    case KosOperation::kOrderLookup:
      return "product.order";
  }
  return "unknown";
}

bool is_change(KosOperation operation) { return operation == KosOperation::kProductChange; }

std::string_view to_string(KosFailureKind kind) {
  switch (kind) {
    case KosFailureKind::kTimeout:
      return "timeout";
    case KosFailureKind::kTransport:
      return "transport";
    case KosFailureKind::kSystemError:
      return "system_error";
    case KosFailureKind::kRejected:
      return "rejected";
    case KosFailureKind::kCircuitOpen:
      return "circuit_open";
    case KosFailureKind::kBulkheadFull:
      return "bulkhead_full";
    case KosFailureKind::kBudgetExhausted:
      return "budget_exhausted";
  }
  return "unknown";
}

boost::asio::awaitable<KosReply<Bill>> KosClient::inquire_bill(BillInquiryRequest request,
                                                               KosCallContext context) {
  auto sent = post(KosOperation::kBillInquiry, "/api/v1/kos/bill/inquiry", to_json(request));
  auto exchange = co_await transport_.exchange(std::move(sent), std::move(context));
  co_return to_reply<Bill>(std::move(exchange), [](const auto& data, FieldErrors& errors) {
    return parse_bill(data, errors);
  });
}

boost::asio::awaitable<KosReply<AvailableMonths>> KosClient::available_months(
    std::string line_number, KosCallContext context) {
  KosRequest sent{KosOperation::kAvailableMonths,
                  "GET",
                  "/api/v1/kos/bill/available-months/" + line_number,
                  {}};
  auto exchange = co_await transport_.exchange(std::move(sent), std::move(context));
  co_return to_reply<AvailableMonths>(
      std::move(exchange),
      [](const auto& data, FieldErrors& errors) { return parse_available_months(data, errors); });
}

boost::asio::awaitable<KosReply<ProductInquiryResult>> KosClient::inquire_product(
    ProductInquiryRequest request, KosCallContext context) {
  auto sent = post(KosOperation::kProductInquiry, "/api/v1/kos/product/inquiry", to_json(request));
  auto exchange = co_await transport_.exchange(std::move(sent), std::move(context));
  co_return to_reply<ProductInquiryResult>(std::move(exchange),
                                           [](const auto& data, FieldErrors& errors) {
                                             return parse_product_inquiry_result(data, errors);
                                           });
}

boost::asio::awaitable<KosReply<ProductList>> KosClient::list_products(KosCallContext context) {
  KosRequest sent{KosOperation::kProductList, "GET", "/api/v1/kos/product/list", {}};
  auto exchange = co_await transport_.exchange(std::move(sent), std::move(context));
  co_return to_reply<ProductList>(std::move(exchange), [](const auto& data, FieldErrors& errors) {
    return parse_product_list(data, errors);
  });
}

boost::asio::awaitable<KosReply<ProductChangeResult>> KosClient::change_product(
    ProductChangeRequest request, KosCallContext context) {
  auto sent = post(KosOperation::kProductChange, "/api/v1/kos/product/change", to_json(request));
  auto exchange = co_await transport_.exchange(std::move(sent), std::move(context));
  co_return to_reply<ProductChangeResult>(std::move(exchange),
                                          [](const auto& data, FieldErrors& errors) {
                                            return parse_product_change_result(data, errors);
                                          });
}

boost::asio::awaitable<KosReply<OrderInfo>> KosClient::find_order(std::string request_id,
                                                                  KosCallContext context) {
  KosRequest sent{
      KosOperation::kOrderLookup, "GET", "/api/v1/kos/product/change/" + request_id, {}};
  auto exchange = co_await transport_.exchange(std::move(sent), std::move(context));
  co_return to_reply<OrderInfo>(std::move(exchange), [](const auto& data, FieldErrors& errors) {
    return parse_order_info(data, errors);
  });
}

}  // namespace phonebill::kos
