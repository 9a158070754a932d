// ProductService: see product_service.hpp. Change: validate → ownership → Idempotency-Key
// replay → line and catalogue (cache, else KOS) → REQUESTED record (the database refuses
// a second change in flight) → pre-check (PRECHECK_FAILED) → KOS change with the record's
// id as requestId → settle → invalidate the line's cache → answer from the record.
#include "product_service.hpp"

#include <stdexcept>

#include "core/line_number.hpp"
#include "core/log.hpp"
#include "core/validation.hpp"
#include "http/pagination.hpp"
#include "http/trace.hpp"
#include "kos/kos_api_error.hpp"
#include "product_errors.hpp"
#include "product_metrics.hpp"
#include "product_views.hpp"

namespace phonebill::product {
namespace {

using http::common_error;
using http::CommonError;

Failure fail(http::ApiError error) { return Failure{std::move(error)}; }

kos::KosCallContext kos_context(const RequestInfo& info) {
  return kos::KosCallContext{info.deadline, info.http_request_id, info.traceparent};
}

void check_product_code(const std::optional<std::string>& code, std::string_view field,
                        FieldErrors& errors) {
  if (!code) {
    errors.add(std::string{field}, "is required");
  } else if (!is_product_code(*code)) {
    errors.add(std::string{field}, "must be 1-40 letters, digits, '-' or '_'");
  }
}

Answer ok(boost::json::object data) { return Answer{200, std::move(data)}; }

}  // namespace

bool is_product_code(std::string_view text) {
  if (text.empty() || text.size() > 40) return false;
  for (char c : text) {
    bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_';
    if (!allowed) return false;
  }
  return true;
}

bool is_idempotency_key(std::string_view text) {
  if (text.empty() || text.size() > 100) return false;
  for (char c : text)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

std::string change_fingerprint(const std::string& line, const std::string& current,
                               const std::string& target) {
  return line + "|" + current + "|" + target;
}

Outcome<Answer> answer_for(const ChangeRecord& record) {
  switch (record.status) {
    case ChangeStatus::kCompleted:
      return ok(change_view(record));
    case ChangeStatus::kPending:
      return Answer{202, change_view(record)};
    case ChangeStatus::kRequested:
      return fail(product_error(ProductError::kChangeInProgress,
                                boost::json::object{{"requestId", record.request_id}}));
    case ChangeStatus::kPrecheckFailed: {
      boost::json::object details{{"requestId", record.request_id}, {"checks", record.checks}};
      return fail(product_error(ProductError::kPrecheckFailed, std::move(details)));
    }
    case ChangeStatus::kFailed: {
      boost::json::object details{{"requestId", record.request_id}};
      if (record.kos_result_code) details["kosResultCode"] = *record.kos_result_code;
      return fail(stored_error(record.http_status.value_or(500),
                               record.result_code.value_or("INTERNAL_ERROR"),
                               record.result_message.value_or(""), std::move(details)));
    }
  }
  return fail(common_error(CommonError::kInternalError));
}

ProductService::ProductService(kos::KosClient& kos, ProductCache& cache, ChangeStore& store,
                               std::chrono::milliseconds idempotency_ttl)
    : kos_(kos), cache_(cache), store_(store), idempotency_ttl_(idempotency_ttl) {}

// ---- Shared lookups --------------------------------------------------------------------

Outcome<std::string> ProductService::owned_line(const security::VerifiedToken& caller,
                                                const std::optional<std::string>& input) const {
  if (!input) return caller.line_number;
  auto line = normalize_line_number(*input);
  if (!line)
    return fail(http::validation_error("lineNumber", "must be 01012345678 or 010-1234-5678"));
  if (*line != caller.line_number) return fail(common_error(CommonError::kLineNotOwned));
  return *line;
}

boost::asio::awaitable<Outcome<kos::ProductInquiryResult>> ProductService::line_snapshot(
    std::string line, const RequestInfo& info) {
  CacheLookup lookup = CacheLookup::kMiss;
  auto cached = co_await cache_.load_line(line, lookup);
  if (metrics_) metrics_->cache_lookup("line", lookup);
  if (cached) co_return std::move(*cached);

  kos::ProductInquiryRequest request{line, http::generate_request_id()};
  auto reply = co_await kos_.inquire_product(request, kos_context(info));
  if (reply.ok()) {
    co_await cache_.store_line(*reply.data);
    co_return std::move(*reply.data);
  }
  if (reply.business_error()) {
    switch (reply.code) {
      case kos::KosResultCode::kProductLineNotFound:
        co_return fail(product_error(ProductError::kLineNotFound));
      case kos::KosResultCode::kProductLineNotInService:
        co_return fail(product_error(ProductError::kLineInactive));
      case kos::KosResultCode::kProductDataUnavailable:
        // KOS has the line but not its plan (a data fault on its side): the plan cannot
        // be shown, which is an answer, not a bug of ours.
        co_return fail(product_error(ProductError::kProductNotFound));
      default:
        co_return fail(common_error(CommonError::kInternalError));
    }
  }
  log::warn(
      "kos_product_inquiry_failed",
      {{"requestId", info.http_request_id},
       {"failure", reply.failure ? std::string{kos::to_string(reply.failure->kind)} : "unknown"},
       {"line", masked_line_number(line)}});
  if (reply.failure) co_return fail(kos::api_error_for(*reply.failure));
  co_return fail(common_error(CommonError::kInternalError));
}

boost::asio::awaitable<Outcome<kos::ProductList>> ProductService::catalogue(
    const RequestInfo& info) {
  CacheLookup lookup = CacheLookup::kMiss;
  auto cached = co_await cache_.load_catalogue(lookup);
  if (metrics_) metrics_->cache_lookup("catalogue", lookup);
  if (cached) co_return std::move(*cached);
  auto reply = co_await kos_.list_products(kos_context(info));
  if (reply.ok()) {
    co_await cache_.store_catalogue(*reply.data);
    co_return std::move(*reply.data);
  }
  log::warn("kos_product_list_failed", {{"requestId", info.http_request_id}});
  if (reply.failure) co_return fail(kos::api_error_for(*reply.failure));
  co_return fail(common_error(CommonError::kInternalError));
}

boost::asio::awaitable<bool> ProductService::warm_catalogue(RequestInfo info) {
  auto reply = co_await kos_.list_products(kos_context(info));
  if (!reply.ok()) co_return false;
  co_await cache_.store_catalogue(*reply.data);
  co_return true;
}

boost::asio::awaitable<void> ProductService::forget_line(std::string line_number) {
  bool forgotten = co_await cache_.forget_line(line_number);
  if (!forgotten)
    log::warn("product_cache_invalidation_failed", {{"line", masked_line_number(line_number)}});
}

// ---- Reads -----------------------------------------------------------------------------

boost::asio::awaitable<Outcome<Answer>> ProductService::menu(security::VerifiedToken caller,
                                                             RequestInfo info) {
  if (!caller.has_permission(kProductChangePermission))
    co_return fail(common_error(CommonError::kForbidden));
  auto line = co_await line_snapshot(caller.line_number, info);
  if (!line) co_return line.error();
  boost::json::object data;
  data["customer"] = customer_view(line->customer);
  data["currentProduct"] = product_view(line->current_product);
  co_return ok(std::move(data));
}

boost::asio::awaitable<Outcome<Answer>> ProductService::available(security::VerifiedToken caller,
                                                                  RequestInfo info) {
  if (!caller.has_permission(kProductChangePermission))
    co_return fail(common_error(CommonError::kForbidden));
  auto line = co_await line_snapshot(caller.line_number, info);
  if (!line) co_return line.error();
  auto products = co_await catalogue(info);
  if (!products) co_return products.error();
  boost::json::array items;
  for (const auto& product : available_products(*line, *products))
    items.push_back(product_view(product, price_delta(line->current_product, product)));
  boost::json::object data;
  data["currentProductCode"] = line->current_product.product_code;
  data["currentProduct"] = product_view(line->current_product);
  data["products"] = std::move(items);
  co_return ok(std::move(data));
}

boost::asio::awaitable<Outcome<Answer>> ProductService::validate(security::VerifiedToken caller,
                                                                 ValidationInput input,
                                                                 RequestInfo info) {
  if (!caller.has_permission(kProductChangePermission))
    co_return fail(common_error(CommonError::kForbidden));
  FieldErrors errors;
  check_product_code(input.target_product_code, "targetProductCode", errors);
  if (!errors.empty()) co_return fail(http::validation_error(errors));
  auto line_number = owned_line(caller, input.line_number);
  if (!line_number) co_return line_number.error();
  auto line = co_await line_snapshot(*line_number, info);
  if (!line) co_return line.error();
  auto products = co_await catalogue(info);
  if (!products) co_return products.error();
  auto precheck = run_precheck(*line, *products, *input.target_product_code);
  boost::json::object data;
  data["result"] = precheck.passed() ? "PASS" : "FAIL";
  data["checks"] = checks_view(precheck);
  data["currentProductCode"] = line->current_product.product_code;
  data["targetProductCode"] = *input.target_product_code;
  if (const auto* target = find_product(*products, *input.target_product_code))
    data["priceDelta"] = price_delta(line->current_product, *target);
  co_return ok(std::move(data));
}

// ---- Change ----------------------------------------------------------------------------

Outcome<Answer> ProductService::replay(const ChangeRecord& record,
                                       const std::string& fingerprint) const {
  if (record.fingerprint != fingerprint)
    return fail(product_error(ProductError::kIdempotencyKeyReused));
  return answer_for(record);
}

boost::asio::awaitable<Outcome<Answer>> ProductService::change(security::VerifiedToken caller,
                                                               ChangeInput input,
                                                               RequestInfo info) {
  if (!caller.has_permission(kProductChangePermission))
    co_return fail(common_error(CommonError::kForbidden));
  FieldErrors errors;
  check_product_code(input.current_product_code, "currentProductCode", errors);
  check_product_code(input.target_product_code, "targetProductCode", errors);
  if (input.idempotency_key && !is_idempotency_key(*input.idempotency_key))
    errors.add("Idempotency-Key", "must be 1-100 visible ASCII characters");
  if (!errors.empty()) co_return fail(http::validation_error(errors));
  auto line_number = owned_line(caller, input.line_number);
  if (!line_number) co_return line_number.error();
  const auto& current_code = *input.current_product_code;
  const auto& target_code = *input.target_product_code;
  auto fingerprint = change_fingerprint(*line_number, current_code, target_code);

  if (input.idempotency_key) {
    auto held = co_await store_.find_by_key(caller.user_id, *input.idempotency_key,
                                            idempotency_ttl_, info.deadline);
    if (!held) co_return fail(common_error(CommonError::kServiceUnavailable));
    if (*held) co_return replay(**held, fingerprint);
  }

  auto line = co_await line_snapshot(*line_number, info);
  if (!line) co_return line.error();
  auto products = co_await catalogue(info);
  if (!products) co_return products.error();
  const auto* target = find_product(*products, target_code);

  ChangeRecord record;
  record.request_id = http::generate_request_id();
  record.user_id = caller.user_id;
  record.line_number = *line_number;
  record.previous_product_code = line->current_product.product_code;
  record.previous_product_name = line->current_product.product_name;
  record.target_product_code = target_code;
  record.target_product_name = target ? target->product_name : target_code;
  record.idempotency_key = input.idempotency_key;
  record.fingerprint = fingerprint;
  record.http_request_id = info.http_request_id;
  record.trace_id = info.trace_id;
  auto inserted = co_await store_.insert(record, info.deadline);
  if (!inserted) {
    log::error("product_change_insert_failed", {{"requestId", info.http_request_id},
                                                {"error", storage::describe(inserted.error())}});
    co_return fail(common_error(CommonError::kServiceUnavailable));
  }
  if (*inserted == InsertResult::kLineBusy) {
    if (metrics_) metrics_->change_answered("CHANGE_IN_PROGRESS");
    co_return fail(product_error(ProductError::kChangeInProgress));
  }
  if (*inserted == InsertResult::kKeyTaken) {
    // A twin with the same key won the insert a moment ago.
    auto held = co_await store_.find_by_key(caller.user_id, *input.idempotency_key,
                                            idempotency_ttl_, info.deadline);
    if (!held || !*held) co_return fail(common_error(CommonError::kServiceUnavailable));
    co_return replay(**held, fingerprint);
  }

  // Pre-check: every rule, recorded with the record when one fails.
  auto precheck = run_precheck(*line, *products, target_code);
  if (current_code != line->current_product.product_code) {
    precheck.checks.push_back(Check{std::string{kCurrentProductMatch}, false,
                                    "현재 요금제가 변경되었습니다. 다시 확인해 주세요"});
  }
  if (!precheck.passed()) {
    auto error = product_error(ProductError::kPrecheckFailed);
    ChangeOutcome outcome;
    outcome.status = ChangeStatus::kPrecheckFailed;
    outcome.http_status = error.status;
    outcome.result_code = error.code;
    outcome.result_message = error.message;
    boost::json::value checks = checks_view(precheck);
    std::optional<std::string> no_name;
    auto settled =
        co_await store_.settle(record.request_id, outcome, no_name, checks, info.deadline);
    if (metrics_) metrics_->change_answered("PRECHECK_FAILED");
    if (!settled || !*settled) co_return fail(common_error(CommonError::kServiceUnavailable));
    co_return answer_for(**settled);
  }

  // The record exists: whatever happens from here, the reconciler can settle it.
  kos::ProductChangeRequest request{*line_number, line->current_product.product_code, target_code,
                                    record.request_id};
  auto reply = co_await kos_.change_product(request, kos_context(info));
  auto outcome = outcome_of_change(reply);
  std::optional<std::string> previous_name;
  if (outcome.previous_product_code) {
    const auto* previous = find_product(*products, *outcome.previous_product_code);
    previous_name = previous ? previous->product_name : *outcome.previous_product_code;
  }
  log::info("product_change", {{"requestId", info.http_request_id},
                               {"changeId", record.request_id},
                               {"line", masked_line_number(*line_number)},
                               {"status", to_text(outcome.status)},
                               {"kosResultCode", outcome.kos_result_code.value_or("")}});
  if (outcome.status == ChangeStatus::kCompleted) co_await forget_line(*line_number);
  if (metrics_) metrics_->change_answered(std::string{to_text(outcome.status)});
  boost::json::value no_checks;
  auto settled =
      co_await store_.settle(record.request_id, outcome, previous_name, no_checks, info.deadline);
  if (!settled || !*settled) {
    // KOS has answered but the record could not be updated: it stays REQUESTED and the
    // reconciler settles it from KOS's order. The caller still gets KOS's answer.
    log::error("product_change_settle_failed", {{"changeId", record.request_id}});
    record.status = outcome.status;
    record.http_status = outcome.http_status;
    record.result_code = outcome.result_code;
    record.result_message = outcome.result_message;
    record.kos_result_code = outcome.kos_result_code;
    record.kos_order_number = outcome.kos_order_number;
    record.effective_date = outcome.effective_date;
    co_return answer_for(record);
  }
  co_return answer_for(**settled);
}

// ---- Lookups ---------------------------------------------------------------------------

boost::asio::awaitable<Outcome<Answer>> ProductService::find_change(security::VerifiedToken caller,
                                                                    std::string request_id,
                                                                    RequestInfo info) {
  if (!caller.has_permission(kProductChangePermission))
    co_return fail(common_error(CommonError::kForbidden));
  auto found = co_await store_.find(request_id, info.deadline);
  if (!found) co_return fail(common_error(CommonError::kServiceUnavailable));
  // Another user's change is answered like a missing one: ids reveal nothing.
  if (!*found || (*found)->user_id != caller.user_id)
    co_return fail(common_error(CommonError::kNotFound));
  co_return ok(change_view(**found));
}

boost::asio::awaitable<Outcome<Answer>> ProductService::history(security::VerifiedToken caller,
                                                                HistoryQuery query,
                                                                RequestInfo info) {
  if (!caller.has_permission(kProductChangePermission))
    co_return fail(common_error(CommonError::kForbidden));
  static const http::HistoryStatuses kStatuses{
      [](std::string_view status) { return parse_change_status(status).has_value(); },
      "must be REQUESTED, PRECHECK_FAILED, COMPLETED, FAILED or PENDING"};
  FieldErrors errors;
  auto filter = http::validate_history_query(query, caller.user_id, kStatuses, errors);
  if (!errors.empty()) co_return fail(http::validation_error(errors));
  if (filter.line_number && *filter.line_number != caller.line_number)
    co_return fail(common_error(CommonError::kLineNotOwned));
  auto page = co_await store_.list(filter, info.deadline);
  if (!page) co_return fail(common_error(CommonError::kServiceUnavailable));
  boost::json::array items;
  for (const auto& record : page->items) items.push_back(change_view(record));
  boost::json::object data;
  data["items"] = std::move(items);
  data["page"] = http::page_info(filter.page, page->total);
  co_return ok(std::move(data));
}

}  // namespace phonebill::product
