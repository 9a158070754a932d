// BillService: see bill_service.hpp. Inquiry: validate → ownership → cache (fresh:
// CACHE) → one coalesced KOS call (ok: KOS, cached) → on KOS failure the stale copy
// (STALE_CACHE) or 503/504 → history committed → answer.
#include "bill_service.hpp"

#include <boost/json/array.hpp>

#include <stdexcept>

#include "bill_metrics.hpp"
#include "bill_views.hpp"
#include "core/line_number.hpp"
#include "core/log.hpp"
#include "core/seoul_time.hpp"
#include "core/validation.hpp"
#include "http/pagination.hpp"
#include "http/trace.hpp"
#include "kos/kos_api_error.hpp"

namespace phonebill::bill {
namespace {

using http::common_error;
using http::CommonError;

Failure fail(http::ApiError error) { return Failure{std::move(error)}; }

}  // namespace

http::ApiError bill_error(BillError error) {
  switch (error) {
    case BillError::kLineNotFound:
      return http::ApiError{404, "LINE_NOT_FOUND", "회선 정보를 찾을 수 없습니다", nullptr};
    case BillError::kBillNotFound:
      return http::ApiError{404, "BILL_NOT_FOUND", "해당 월의 요금 정보가 없습니다", nullptr};
    case BillError::kLineInactive:
      return http::ApiError{409, "LINE_INACTIVE", "정지 또는 해지된 회선입니다", nullptr};
  }
  return common_error(CommonError::kInternalError);
}

std::optional<BillingMonth> validate_month(const std::optional<std::string>& input,
                                           const BillingMonth& current, FieldErrors& errors) {
  if (!input) return current;
  auto month = BillingMonth::parse(*input);
  if (!month) {
    errors.add("inquiryMonth", "must be YYYY-MM or YYYYMM");
    return std::nullopt;
  }
  if (*month > current) {
    errors.add("inquiryMonth", "must not be in the future");
    return std::nullopt;
  }
  if (current.months_since(*month) >= kInquirableMonths) {
    errors.add("inquiryMonth", "must be within the last 24 months");
    return std::nullopt;
  }
  return month;
}

BillService::BillService(kos::KosClient& kos, BillCache& cache, HistoryWriter& writer,
                         HistoryStore& store, const Clock& clock, BillKosPolicy kos_policy)
    : kos_(kos),
      cache_(cache),
      writer_(writer),
      store_(store),
      clock_(clock),
      kos_policy_(kos_policy),
      gate_(kos_policy.gate) {}

// ---- Menu ------------------------------------------------------------------------------

boost::asio::awaitable<Outcome<boost::json::object>> BillService::menu(
    security::VerifiedToken caller, RequestInfo info) {
  if (!caller.has_permission(kBillInquiryPermission))
    co_return fail(common_error(CommonError::kForbidden));
  auto current = seoul_month(clock_.now());
  // Customer and months change rarely: cached per line for the month
  // (PHONEBILL_BILL_CACHE_MENU_MS), so opening the menu is not two KOS calls every time.
  auto cached_menu = co_await cache_.load_menu(caller.line_number, current);
  if (cached_menu) co_return std::move(*cached_menu);

  kos::KosCallContext context{info.deadline, info.http_request_id, info.traceparent};
  auto request_id = http::generate_request_id();
  kos::ProductInquiryRequest product_request{caller.line_number, request_id};
  auto product = co_await kos_.inquire_product(product_request, context);
  if (product.business_error()) {
    // SPEC §5 for the product inquiry's codes: 3001 no such line → 404, 3002 line out of
    // service → 409. 3003 (the line's plan is missing) says nothing about the line itself,
    // and the menu does not need the plan: it degrades like a KOS failure (no name).
    if (product.code == kos::KosResultCode::kProductLineNotFound)
      co_return fail(bill_error(BillError::kLineNotFound));
    if (product.code == kos::KosResultCode::kProductLineNotInService)
      co_return fail(bill_error(BillError::kLineInactive));
  }

  boost::json::object customer;
  customer["customerId"] = caller.customer_id;
  customer["lineNumber"] = caller.line_number;
  customer["customerName"] = nullptr;
  if (product.ok()) {
    customer["customerId"] = product.data->customer.customer_id;
    customer["customerName"] = product.data->customer.customer_name;
  }

  boost::json::array months;
  auto available = co_await kos_.available_months(caller.line_number, context);
  if (available.ok()) {
    for (const auto& month : available.data->months)
      months.push_back(boost::json::value(month.api_form()));
  } else {
    log::warn("menu_months_fallback", {{"requestId", info.http_request_id},
                                       {"line", masked_line_number(caller.line_number)}});
    for (int back = 0; back < kMenuFallbackMonths; ++back)
      months.push_back(boost::json::value(current.plus_months(-back).api_form()));
  }
  boost::json::object menu;
  menu["customer"] = std::move(customer);
  std::string default_month = current.api_form();
  if (!months.empty() &&
      std::find(months.begin(), months.end(), boost::json::value(default_month)) == months.end())
    default_month = std::string{months.front().as_string()};
  menu["availableMonths"] = std::move(months);
  menu["defaultMonth"] = default_month;
  menu["monthsSource"] = available.ok() ? "KOS" : "LOCAL";
  // Only a complete answer from KOS is cached; a fallback is retried next time.
  if (product.ok() && available.ok()) {
    boost::json::object copy = menu;
    co_await cache_.store_menu(caller.line_number, current, std::move(copy));
  }
  co_return menu;
}

// ---- Inquiry ---------------------------------------------------------------------------

boost::asio::awaitable<Outcome<boost::json::object>> BillService::inquire(
    security::VerifiedToken caller, InquiryInput input, RequestInfo info) {
  HistoryEntry entry;
  entry.request_id = http::generate_request_id();
  entry.user_id = caller.user_id;
  entry.requested_at = clock_.now();
  entry.http_request_id = info.http_request_id;
  entry.trace_id = info.trace_id;
  auto outcome = co_await answer_inquiry(caller, input, info, entry);
  entry.finished_at = clock_.now();
  entry.completed = outcome.has_value();
  if (!outcome) {
    entry.result_code = outcome.error().error.code;
    entry.result_summary = outcome.error().error.message;
  }
  std::string source = entry.source.value_or("FAILED");
  bool durable = co_await writer_.write(std::move(entry));
  if (metrics_) metrics_->inquiry_answered(durable ? source : "FAILED");
  if (!durable) co_return fail(common_error(CommonError::kServiceUnavailable));
  co_return outcome;
}

boost::asio::awaitable<kos::KosReply<kos::Bill>> BillService::fetch_bill(std::string line_number,
                                                                         BillingMonth month,
                                                                         std::string request_id,
                                                                         RequestInfo info) {
  // A burst of misses queues briefly for a KOS slot instead of failing; the time spent
  // queueing comes out of the inquiry's KOS budget.
  auto queued_at = std::chrono::steady_clock::now();
  auto deadline = std::min(info.deadline, queued_at + kos_policy_.kos_budget);
  auto started = clock_.now();
  auto admission = KosGateAdmission::kImmediate;
  auto ticket = co_await gate_.enter(deadline, admission);
  if (metrics_) metrics_->kos_gate(admission);
  if (!ticket) {
    kos::KosReply<kos::Bill> refused;
    std::string message = admission == KosGateAdmission::kQueueFull
                              ? "KOS queue full"
                              : "no KOS slot within the queue wait";
    refused.failure = kos::KosFailure{kos::KosFailureKind::kBulkheadFull, message, {}};
    kos::KosAttempt attempt;
    attempt.started_at = started;
    attempt.finished_at = clock_.now();
    attempt.failure = kos::KosFailureKind::kBulkheadFull;
    attempt.result_message = message;
    attempt.circuit_state = circuit_state_ ? circuit_state_() : std::string{};
    refused.attempts.push_back(std::move(attempt));
    if (kos_observer_)
      kos_observer_->on_refused(kos::KosOperation::kBillInquiry,
                                kos::KosFailureKind::kBulkheadFull);
    co_return refused;
  }
  kos::KosCallContext context{deadline, info.http_request_id, info.traceparent};
  kos::BillInquiryRequest request{line_number, month, request_id};
  auto reply = co_await kos_.inquire_bill(request, context);
  ticket.release();  // the cache write below need not hold a KOS slot
  if (reply.ok()) {
    bool current = month == seoul_month(clock_.now());
    co_await cache_.store(*reply.data, current);
  }
  co_return reply;
}

boost::asio::awaitable<Outcome<boost::json::object>> BillService::answer_inquiry(
    const security::VerifiedToken& caller, const InquiryInput& input, const RequestInfo& info,
    HistoryEntry& entry) {
  if (!caller.has_permission(kBillInquiryPermission))
    co_return fail(common_error(CommonError::kForbidden));
  FieldErrors errors;
  std::string line = caller.line_number;
  if (input.line_number) {
    auto normalized = normalize_line_number(*input.line_number);
    if (!normalized) {
      errors.add("lineNumber", "must be 01012345678 or 010-1234-5678");
    } else {
      line = *normalized;
    }
  }
  auto current = seoul_month(clock_.now());
  auto month = validate_month(input.inquiry_month, current, errors);
  if (!errors.empty()) co_return fail(http::validation_error(errors));
  entry.line_number = line;
  entry.billing_month = month->api_form();
  if (line != caller.line_number) co_return fail(common_error(CommonError::kLineNotOwned));

  auto respond = [&](const kos::Bill& bill, const char* source,
                     std::optional<SystemTime> cached_at) {
    boost::json::object data;
    data["requestId"] = entry.request_id;
    data["status"] = "COMPLETED";
    data["source"] = source;
    if (cached_at) data["cachedAt"] = iso8601_seoul(*cached_at);
    auto info_json = bill_info(bill);
    entry.bill = info_json;
    entry.source = source;
    entry.result_summary = "totalAmount=" + std::to_string(bill.total_amount);
    data["billInfo"] = std::move(info_json);
    return data;
  };

  CacheLookup lookup = CacheLookup::kMiss;
  auto cached = co_await cache_.load(line, *month, lookup);
  if (metrics_) metrics_->cache_lookup(lookup);
  if (cached && cached->fresh) co_return respond(cached->bill, "CACHE", cached->cached_at);

  auto key = BillCache::key(line, *month);
  auto request_id = entry.request_id;
  auto flight =
      co_await flights_.run(key, [&]() { return fetch_bill(line, *month, request_id, info); });
  const auto& reply = *flight.value;
  if (flight.leader) {
    for (const auto& attempt : reply.attempts)
      entry.kos_calls.push_back(KosCallRecord{kos::KosOperation::kBillInquiry, attempt});
  }
  if (reply.ok()) co_return respond(*reply.data, "KOS", std::nullopt);
  if (reply.business_error()) {
    switch (reply.code) {
      case kos::KosResultCode::kBillLineNotFound:
        co_return fail(bill_error(BillError::kLineNotFound));
      case kos::KosResultCode::kBillLineInactive:
        co_return fail(bill_error(BillError::kLineInactive));
      case kos::KosResultCode::kBillNotFound:
        co_return fail(bill_error(BillError::kBillNotFound));
      default:
        co_return fail(common_error(CommonError::kInternalError));
    }
  }
  if (reply.failure && cached) co_return respond(cached->bill, "STALE_CACHE", cached->cached_at);
  if (reply.failure) {
    log::warn("kos_inquiry_failed", {{"requestId", info.http_request_id},
                                     {"failure", kos::to_string(reply.failure->kind)},
                                     {"line", masked_line_number(line)}});
    co_return fail(kos::api_error_for(*reply.failure));
  }
  co_return fail(common_error(CommonError::kInternalError));
}

// ---- Lookups ---------------------------------------------------------------------------

boost::asio::awaitable<Outcome<boost::json::object>> BillService::find_inquiry(
    security::VerifiedToken caller, std::string request_id, RequestInfo info) {
  if (!caller.has_permission(kBillInquiryPermission))
    co_return fail(common_error(CommonError::kForbidden));
  auto found = co_await store_.find(request_id, info.deadline);
  if (!found) co_return fail(common_error(CommonError::kServiceUnavailable));
  // Another user's request is answered like a missing one: ids reveal nothing.
  if (!*found || (*found)->user_id != caller.user_id)
    co_return fail(common_error(CommonError::kNotFound));
  co_return history_item(**found, true);
}

boost::asio::awaitable<Outcome<boost::json::object>> BillService::history(
    security::VerifiedToken caller, HistoryQuery query, RequestInfo info) {
  if (!caller.has_permission(kBillInquiryPermission))
    co_return fail(common_error(CommonError::kForbidden));
  static const http::HistoryStatuses kStatuses{
      [](std::string_view status) { return status == "COMPLETED" || status == "FAILED"; },
      "must be COMPLETED or FAILED"};
  FieldErrors errors;
  auto filter = http::validate_history_query(query, caller.user_id, kStatuses, errors);
  if (!errors.empty()) co_return fail(http::validation_error(errors));
  if (filter.line_number && *filter.line_number != caller.line_number)
    co_return fail(common_error(CommonError::kLineNotOwned));
  auto page = co_await store_.list(filter, info.deadline);
  if (!page) co_return fail(common_error(CommonError::kServiceUnavailable));
  boost::json::array items;
  for (const auto& record : page->items) items.push_back(history_item(record, false));
  boost::json::object data;
  data["items"] = std::move(items);
  data["page"] = http::page_info(filter.page, page->total);
  co_return data;
}

}  // namespace phonebill::bill
