// ProductService::change, step by step: check the input → replay an Idempotency-Key's
// first answer → the line and catalogue (cache, else KOS) → INSERT the REQUESTED record
// (the database refuses a second change in flight) → pre-check (PRECHECK_FAILED) → KOS
// change under the record's id → settle → drop the line's cache. The answer is the
// record as it then stands.
#include "change_input.hpp"
#include "core/line_number.hpp"
#include "core/log.hpp"
#include "core/request_log.hpp"
#include "product_metrics.hpp"
#include "product_service.hpp"
#include "request_ids.hpp"

namespace phonebill::product {
namespace {

// The name of the plan KOS says the line was on (the catalogue's, else its code).
std::optional<std::string> previous_name(const ChangeOutcome& outcome,
                                         const kos::ProductList& catalogue) {
  if (!outcome.previous_product_code) return std::nullopt;
  const auto* previous = find_product(catalogue, *outcome.previous_product_code);
  return previous ? previous->product_name : *outcome.previous_product_code;
}

}  // namespace

boost::asio::awaitable<Result<ChangeRecord, ProductStatus>> ProductService::change(
    security::VerifiedToken caller, ChangeInput input, RequestInfo info) {
  auto request = check_change(caller, input);
  if (!request) co_return request.error();
  if (request->idempotency_key) {
    auto held = co_await held_by_key(caller.user_id, *request->idempotency_key, info);
    if (!held) co_return held.error();
    if (*held) co_return replay(**held, request->fingerprint);
  }
  auto line = co_await line_snapshot(request->line_number, info);
  if (!line) co_return line.error();
  auto products = co_await catalogue(info);
  if (!products) co_return products.error();

  auto record = new_record(caller, *request, *line, *products, info);
  if (auto answered = co_await insert_record(record, *request, info))
    co_return std::move(*answered);
  // The record exists: whatever happens from here, the reconciler can settle it.
  auto precheck =
      run_change_precheck(*line, *products, request->current_code, request->target_code);
  if (!precheck.passed()) co_return co_await record_precheck_failure(record, precheck, info);
  co_return co_await send_change(std::move(record), *line, *products, info);
}

Result<ProductService::ChangeRequest, ProductStatus> ProductService::check_change(
    const security::VerifiedToken& caller, const ChangeInput& input) const {
  if (!caller.has_permission(kProductChangePermission)) return refuse(ProductStatus::kForbidden);
  FieldErrors errors;
  check_product_code(input.current_product_code, "currentProductCode", errors);
  check_product_code(input.target_product_code, "targetProductCode", errors);
  if (input.idempotency_key && !is_idempotency_key(*input.idempotency_key))
    errors.add("Idempotency-Key", "must be 1-100 visible ASCII characters");
  if (!errors.empty()) return refuse(ProductStatus::kInvalidInput, std::move(errors));
  auto line_number = owned_line(caller.line_number, input.line_number);
  if (!line_number) return line_number.error();
  ChangeRequest request{*line_number,
                        *input.current_product_code,
                        *input.target_product_code,
                        input.idempotency_key,
                        {}};
  request.fingerprint =
      change_fingerprint(request.line_number, request.current_code, request.target_code);
  return request;
}

boost::asio::awaitable<ProductService::Held> ProductService::held_by_key(const std::string& user_id,
                                                                         const std::string& key,
                                                                         const RequestInfo& info) {
  auto held = co_await store_.find_by_key(user_id, key, info.deadline);
  if (!held) {
    log::error("product_change_key_lookup_failed",
               log::request_log_fields(info, {{"error", held.error().detail}}));
    co_return refuse(ProductStatus::kStorageUnavailable);
  }
  if (!*held) co_return std::optional<ChangeRecord>{};
  // A key holds for idempotency_ttl (24 h) from its first request; then it is free again.
  if (clock_.now() - (*held)->requested_at < idempotency_ttl_) co_return std::move(*held);
  auto released = co_await store_.release_key((*held)->request_id, info.deadline);
  if (!released) co_return refuse(ProductStatus::kStorageUnavailable);
  co_return std::optional<ChangeRecord>{};
}

Result<ChangeRecord, ProductStatus> ProductService::replay(const ChangeRecord& record,
                                                           const std::string& fingerprint) const {
  if (record.fingerprint != fingerprint) return refuse(ProductStatus::kIdempotencyKeyReused);
  return record;
}

ChangeRecord ProductService::new_record(const security::VerifiedToken& caller,
                                        const ChangeRequest& request,
                                        const kos::ProductInquiryResult& line,
                                        const kos::ProductList& catalogue,
                                        const RequestInfo& info) const {
  const auto* target = find_product(catalogue, request.target_code);
  ChangeRecord record;
  record.request_id = new_change_id();
  record.user_id = caller.user_id;
  record.line_number = request.line_number;
  record.previous_product_code = line.current_product.product_code;
  record.previous_product_name = line.current_product.product_name;
  record.target_product_code = request.target_code;
  record.target_product_name = target ? target->product_name : request.target_code;
  record.idempotency_key = request.idempotency_key;
  record.fingerprint = request.fingerprint;
  record.requested_at = clock_.now();
  record.http_request_id = info.http_request_id;
  record.trace_id = info.trace_id;
  return record;
}

boost::asio::awaitable<std::optional<Result<ChangeRecord, ProductStatus>>>
ProductService::insert_record(const ChangeRecord& record, const ChangeRequest& request,
                              const RequestInfo& info) {
  using Answer = std::optional<Result<ChangeRecord, ProductStatus>>;
  auto inserted = co_await store_.insert(record, info.deadline);
  if (!inserted) {
    log::error("product_change_insert_failed",
               log::request_log_fields(info, {{"error", inserted.error().detail}}));
    co_return Answer{refuse(ProductStatus::kStorageUnavailable)};
  }
  switch (*inserted) {
    case InsertResult::kInserted:
      co_return std::nullopt;
    case InsertResult::kLineBusy:
      if (metrics_) metrics_->change_answered("CHANGE_IN_PROGRESS");
      co_return Answer{refuse(ProductStatus::kChangeInProgress)};
    case InsertResult::kKeyTaken: {
      // A twin with the same key won the insert a moment ago: its answer is ours.
      auto held = co_await held_by_key(record.user_id, *request.idempotency_key, info);
      if (!held || !*held) co_return Answer{refuse(ProductStatus::kStorageUnavailable)};
      co_return Answer{replay(**held, request.fingerprint)};
    }
  }
  co_return Answer{refuse(ProductStatus::kInternal)};
}

boost::asio::awaitable<Result<ChangeRecord, ProductStatus>> ProductService::record_precheck_failure(
    const ChangeRecord& record, const Precheck& precheck, const RequestInfo& info) {
  auto settled = co_await store_.settle(record.request_id, precheck_failed(), std::nullopt,
                                        precheck.checks, info.deadline);
  if (metrics_) metrics_->change_answered("PRECHECK_FAILED");
  if (!settled || !*settled) co_return refuse(ProductStatus::kStorageUnavailable);
  co_return std::move(**settled);
}

boost::asio::awaitable<Result<ChangeRecord, ProductStatus>> ProductService::send_change(
    ChangeRecord record, const kos::ProductInquiryResult& line, const kos::ProductList& catalogue,
    const RequestInfo& info) {
  kos::ProductChangeRequest request{record.line_number, line.current_product.product_code,
                                    record.target_product_code, record.request_id};
  auto reply = co_await kos_.change_product(request, kos::call_context_for(info));
  auto outcome = outcome_of_change(reply);
  log::info("product_change", log::request_log_fields(
                                  info, {{"changeId", record.request_id},
                                         {"line", masked_line_number(record.line_number)},
                                         {"status", to_text(outcome.status)},
                                         {"kosResultCode", outcome.kos_result_code.value_or("")}}));
  if (outcome.status == ChangeStatus::kCompleted)
    co_await forget_line(record.line_number, log::request_log_fields(info));
  if (metrics_) metrics_->change_answered(std::string{to_text(outcome.status)});
  auto settled = co_await store_.settle(
      record.request_id, outcome, previous_name(outcome, catalogue), std::nullopt, info.deadline);
  if (settled && *settled) co_return std::move(**settled);
  // KOS has answered but the record could not be updated: it stays REQUESTED and the
  // reconciler settles it from KOS's order. The caller still gets KOS's answer.
  log::error("product_change_settle_failed",
             log::request_log_fields(info, {{"changeId", record.request_id}}));
  apply(record, outcome);
  co_return record;
}

}  // namespace phonebill::product
