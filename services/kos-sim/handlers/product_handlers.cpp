// POST /api/v1/kos/product/inquiry, GET /api/v1/kos/product/list,
// POST /api/v1/kos/product/change and GET /api/v1/kos/product/change/{requestId}.
#include "core/request_log.hpp"
#include "handler_support.hpp"
#include "http/sleep.hpp"
#include "kos/codec.hpp"
#include "routes.hpp"

namespace phonebill::kos_sim {

namespace asio = boost::asio;
using kos::KosResultCode;

namespace {

asio::awaitable<http::Response> product_inquiry(http::Request& request, KosSimContext& context) {
  FieldErrors errors;
  std::optional<kos::ProductInquiryRequest> inquiry;
  if (auto body = parse_body(request, errors))
    inquiry = kos::parse_product_inquiry_request(*body, errors);
  auto plan = context.faults.plan(Endpoint::kProductInquiry, inquiry ? inquiry->line_number : "");
  if (auto replaced = co_await apply_fault_plan(plan, request, context.clock)) co_return *replaced;
  if (!inquiry) co_return invalid_request_answer(request, context.clock, errors);

  auto lookup =
      co_await context.store.product_inquiry(inquiry->line_number, store_deadline(request));
  if (!lookup) co_return database_failure(request, context.clock, lookup.error());
  if (lookup->code != KosResultCode::kSuccess)
    co_return kos_answer(request, context.clock, lookup->code);
  co_return kos_answer(request, context.clock, KosResultCode::kSuccess,
                       kos::to_json(*lookup->result));
}

asio::awaitable<http::Response> product_list(http::Request& request, KosSimContext& context) {
  auto plan = context.faults.plan(Endpoint::kProductList, "");
  if (auto replaced = co_await apply_fault_plan(plan, request, context.clock)) co_return *replaced;
  co_return context.catalogue.answer(request, context.clock);
}

asio::awaitable<http::Response> product_change(http::Request& request, KosSimContext& context) {
  FieldErrors errors;
  std::optional<kos::ProductChangeRequest> change;
  if (auto body = parse_body(request, errors))
    change = kos::parse_product_change_request(*body, errors);
  auto plan = context.faults.plan(Endpoint::kProductChange, change ? change->line_number : "");
  // A timeout here models one of two cases a real legacy system shows, chosen by
  // timeoutApplies: KOS applies the change and the answer never arrives (the default,
  // the dangerous one), or the request dies before KOS processed it (apply_fault_plan
  // then holds it unanswered and nothing is stored). Only the order lookup can tell the
  // caller which one happened.
  bool withhold_answer = plan.never_answer && plan.timeout_applies;
  if (withhold_answer) plan.never_answer = false;
  if (auto replaced = co_await apply_fault_plan(plan, request, context.clock)) co_return *replaced;
  if (!change) co_return invalid_request_answer(request, context.clock, errors);

  auto outcome = co_await context.store.change_product(*change, store_deadline(request));
  if (!outcome) co_return database_failure(request, context.clock, outcome.error());
  // requestId: the change's own (KOS's idempotency key); the trace ids: this request's.
  auto fields = log::request_log_fields(change->request_id, request.traceparent);
  fields["resultCode"] = kos::to_text(outcome->code);
  fields["target"] = change->target_product_code;
  log::info("product_change", std::move(fields));
  if (withhold_answer) {
    co_await http::sleep_for(request.deadline - std::chrono::steady_clock::now());
    co_return kos_answer(request, context.clock, KosResultCode::kSystemError);
  }
  if (outcome->code != KosResultCode::kSuccess)
    co_return kos_answer(request, context.clock, outcome->code);
  co_return kos_answer(request, context.clock, KosResultCode::kSuccess,
                       kos::to_json(*outcome->result));
}

asio::awaitable<http::Response> order_lookup(http::Request& request, KosSimContext& context) {
  FieldErrors errors;
  auto request_id = kos::parse_request_id_parameter(request.path_parameter("requestId"), errors);
  auto plan = context.faults.plan(Endpoint::kProductOrder, "");
  if (auto replaced = co_await apply_fault_plan(plan, request, context.clock)) co_return *replaced;
  if (!request_id) co_return invalid_request_answer(request, context.clock, errors);

  auto order = co_await context.store.find_order(*request_id, store_deadline(request));
  if (!order) co_return database_failure(request, context.clock, order.error());
  co_return kos_answer(request, context.clock, KosResultCode::kSuccess, kos::to_json(*order));
}

}  // namespace

void add_product_routes(http::Router& router, KosSimContext& context) {
  router.add("POST", "/api/v1/kos/product/inquiry",
             [&context](http::Request& request) { return product_inquiry(request, context); });
  router.add("GET", "/api/v1/kos/product/list",
             [&context](http::Request& request) { return product_list(request, context); });
  router.add("POST", "/api/v1/kos/product/change",
             [&context](http::Request& request) { return product_change(request, context); });
  router.add("GET", "/api/v1/kos/product/change/{requestId}",
             [&context](http::Request& request) { return order_lookup(request, context); });
}

}  // namespace phonebill::kos_sim
