// ProductService's reads (menu, available, validate, one change, history) and the line
// and catalogue lookups they share (cache, else KOS). The change is in product_change.cpp.
#include "product_service.hpp"

#include "change_input.hpp"
#include "core/line_number.hpp"
#include "core/log.hpp"
#include "kos/kos_refusal.hpp"
#include "kos_codes.hpp"
#include "product_metrics.hpp"
#include "request_ids.hpp"

namespace phonebill::product {
ProductService::ProductService(kos::KosClient& kos, ProductCache& cache, ChangeStore& store,
                               const Clock& clock, std::chrono::milliseconds idempotency_ttl)
    : kos_(kos), cache_(cache), store_(store), clock_(clock), idempotency_ttl_(idempotency_ttl) {}

// ---- Shared lookups --------------------------------------------------------------------

boost::asio::awaitable<Result<kos::ProductInquiryResult, ProductStatus>>
ProductService::line_snapshot(std::string line, const RequestInfo& info) {
  CacheLookup lookup = CacheLookup::kMiss;
  auto cached = co_await cache_.load_line(line, lookup);
  if (metrics_) metrics_->cache_lookup("line", lookup);
  if (cached) co_return std::move(*cached);

  kos::ProductInquiryRequest request{line, new_request_id()};
  auto reply = co_await kos_.inquire_product(request, kos::call_context_for(info));
  if (reply.ok()) {
    co_await cache_.store_line(*reply.data);
    co_return std::move(*reply.data);
  }
  if (reply.business_error()) co_return refuse(inquiry_status(reply.code));
  log::warn(
      "kos_product_inquiry_failed",
      {{"requestId", info.http_request_id},
       {"failure", reply.failure ? std::string{kos::to_string(reply.failure->kind)} : "unknown"},
       {"line", masked_line_number(line)}});
  if (reply.failure) co_return kos::kos_refusal<ProductStatus>(*reply.failure);
  co_return refuse(ProductStatus::kInternal);
}

boost::asio::awaitable<Result<kos::ProductList, ProductStatus>> ProductService::catalogue(
    const RequestInfo& info) {
  CacheLookup lookup = CacheLookup::kMiss;
  auto cached = co_await cache_.load_catalogue(lookup);
  if (metrics_) metrics_->cache_lookup("catalogue", lookup);
  if (cached) co_return std::move(*cached);
  auto reply = co_await kos_.list_products(kos::call_context_for(info));
  if (reply.ok()) {
    co_await cache_.store_catalogue(*reply.data);
    co_return std::move(*reply.data);
  }
  log::warn("kos_product_list_failed", {{"requestId", info.http_request_id}});
  if (reply.failure) co_return kos::kos_refusal<ProductStatus>(*reply.failure);
  co_return refuse(ProductStatus::kInternal);
}

boost::asio::awaitable<bool> ProductService::warm_catalogue(RequestInfo info) {
  auto reply = co_await kos_.list_products(kos::call_context_for(info));
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

boost::asio::awaitable<Result<kos::ProductInquiryResult, ProductStatus>> ProductService::menu(
    security::VerifiedToken caller, RequestInfo info) {
  if (!caller.has_permission(kProductChangePermission)) co_return refuse(ProductStatus::kForbidden);
  co_return co_await line_snapshot(caller.line_number, info);
}

boost::asio::awaitable<Result<AvailablePlans, ProductStatus>> ProductService::available(
    security::VerifiedToken caller, RequestInfo info) {
  if (!caller.has_permission(kProductChangePermission)) co_return refuse(ProductStatus::kForbidden);
  auto line = co_await line_snapshot(caller.line_number, info);
  if (!line) co_return line.error();
  auto products = co_await catalogue(info);
  if (!products) co_return products.error();
  AvailablePlans plans{line->current_product, {}};
  for (auto& product : available_products(*line, *products)) {
    auto delta = price_delta(line->current_product, product);
    plans.products.push_back(PricedProduct{std::move(product), delta});
  }
  co_return plans;
}

boost::asio::awaitable<Result<Validation, ProductStatus>> ProductService::validate(
    security::VerifiedToken caller, ValidationInput input, RequestInfo info) {
  if (!caller.has_permission(kProductChangePermission)) co_return refuse(ProductStatus::kForbidden);
  FieldErrors errors;
  check_product_code(input.target_product_code, "targetProductCode", errors);
  if (!errors.empty()) co_return refuse(ProductStatus::kInvalidInput, std::move(errors));
  auto line_number = owned_line(caller.line_number, input.line_number);
  if (!line_number) co_return line_number.error();
  auto line = co_await line_snapshot(*line_number, info);
  if (!line) co_return line.error();
  auto products = co_await catalogue(info);
  if (!products) co_return products.error();
  const auto& target_code = *input.target_product_code;
  Validation validation{run_precheck(*line, *products, target_code),
                        line->current_product.product_code, target_code, std::nullopt};
  if (const auto* target = find_product(*products, target_code))
    validation.price_delta = price_delta(line->current_product, *target);
  co_return validation;
}

// ---- Lookups ---------------------------------------------------------------------------

boost::asio::awaitable<Result<ChangeRecord, ProductStatus>> ProductService::find_change(
    security::VerifiedToken caller, std::string request_id, RequestInfo info) {
  if (!caller.has_permission(kProductChangePermission)) co_return refuse(ProductStatus::kForbidden);
  auto found = co_await store_.find(request_id, info.deadline);
  if (!found) co_return refuse(ProductStatus::kStorageUnavailable);
  // Another user's change is answered like a missing one: ids reveal nothing.
  if (!*found || (*found)->user_id != caller.user_id)
    co_return refuse(ProductStatus::kChangeNotFound);
  co_return std::move(**found);
}

boost::asio::awaitable<Result<ChangePage, ProductStatus>> ProductService::history(
    security::VerifiedToken caller, HistoryQuery query, RequestInfo info) {
  if (!caller.has_permission(kProductChangePermission)) co_return refuse(ProductStatus::kForbidden);
  static const history::HistoryStatuses kStatuses{
      [](std::string_view status) { return parse_change_status(status).has_value(); },
      "must be REQUESTED, PRECHECK_FAILED, COMPLETED, FAILED or PENDING"};
  FieldErrors errors;
  auto filter = history::validate_history_query(query, caller.user_id, kStatuses, errors);
  if (!errors.empty()) co_return refuse(ProductStatus::kInvalidInput, std::move(errors));
  if (filter.line_number && *filter.line_number != caller.line_number)
    co_return refuse(ProductStatus::kLineNotOwned);
  auto page = co_await store_.list(filter, info.deadline);
  if (!page) co_return refuse(ProductStatus::kStorageUnavailable);
  co_return std::move(*page);
}

}  // namespace phonebill::product
