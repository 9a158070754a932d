// ProductService's reads (menu, available, validate, one change, history) and the line
// and catalogue lookups they share (cache, else KOS). The change is in product_change.cpp.
#include "product_service.hpp"

#include "change_input.hpp"
#include "core/line_number.hpp"
#include "core/log.hpp"
#include "core/request_log.hpp"
#include "http/sleep.hpp"
#include "kos/kos_refusal.hpp"
#include "kos/resilient_kos_transport.hpp"
#include "kos_codes.hpp"
#include "product_metrics.hpp"
#include "request_ids.hpp"
#include "resilience/single_flight.hpp"

namespace phonebill::product {
struct ProductService::LineFetch {
  kos::KosReply<kos::ProductInquiryResult> reply;   // KOS's answer (unset when `filled` is)
  std::optional<kos::ProductInquiryResult> filled;  // cached meanwhile by another instance
};

struct ProductService::LineFlights {
  resilience::SingleFlight<LineFetch> lines;
};

ProductService::ProductService(kos::KosClient& kos, ProductCache& cache, ChangeStore& store,
                               const Clock& clock, std::chrono::milliseconds idempotency_ttl,
                               resilience::FleetCoalescing fleet)
    : kos_(kos),
      cache_(cache),
      store_(store),
      clock_(clock),
      idempotency_ttl_(idempotency_ttl),
      fleet_(std::move(fleet)),
      line_flights_(std::make_unique<LineFlights>()) {
  if (!fleet_.pause)
    fleet_.pause = [](std::chrono::milliseconds delay) { return http::sleep_for(delay); };
  if (!fleet_.now) fleet_.now = [this] { return clock_.steady_now(); };
}

ProductService::~ProductService() = default;

// ---- Shared lookups --------------------------------------------------------------------

boost::asio::awaitable<Result<kos::ProductInquiryResult, ProductStatus>>
ProductService::line_snapshot(std::string line, const RequestInfo& info) {
  CacheLookup lookup = CacheLookup::kMiss;
  auto cached = co_await cache_.load_line(line, lookup);
  if (metrics_) metrics_->cache_lookup("line", lookup);
  if (cached) co_return std::move(*cached);

  // Concurrent misses of one line share one KOS call, in this process and in the fleet.
  auto flight = co_await line_flights_->lines.run(line, [&]() { return fetch_line(line, info); });
  if (flight.value->filled) co_return *flight.value->filled;
  const auto& reply = flight.value->reply;
  if (reply.ok()) co_return *reply.data;
  if (reply.business_error()) co_return refuse(inquiry_status(reply.code));
  log::warn("kos_product_inquiry_failed",
            log::request_log_fields(
                info, {{"failure", reply.failure ? std::string{kos::to_string(reply.failure->kind)}
                                                 : "unknown"},
                       {"line", masked_line_number(line)}}));
  if (reply.failure) co_return kos::kos_refusal<ProductStatus>(*reply.failure);
  co_return refuse(ProductStatus::kInternal);
}

boost::asio::awaitable<ProductService::LineFetch> ProductService::fetch_line(std::string line,
                                                                             RequestInfo info) {
  // (g++ 12 miscompiles a co_await inside a braced initialiser: await into a variable.)
  auto fetch = [&]() -> boost::asio::awaitable<LineFetch> {
    LineFetch fetched;
    kos::ProductInquiryRequest request{line, new_request_id()};
    fetched.reply = co_await kos_.inquire_product(request, kos::call_context_for(info));
    if (fetched.reply.ok()) co_await cache_.store_line(*fetched.reply.data);
    co_return fetched;
  };
  if (fleet_.lock == nullptr) co_return co_await fetch();
  auto probe = [&]() -> boost::asio::awaitable<std::optional<LineFetch>> {
    CacheLookup lookup = CacheLookup::kMiss;
    auto cached = co_await cache_.load_line(line, lookup);
    if (!cached) co_return std::nullopt;
    LineFetch filled;
    filled.filled = std::move(cached);
    co_return filled;
  };
  auto outcome = co_await resilience::coalesce_across_fleet<LineFetch>(
      *fleet_.lock, fleet_.options, cache_.line_fill_key(line), info.deadline, fetch, probe,
      fleet_.pause, fleet_.now);
  if (kos_observer_) kos_observer_->on_coalesced(kos::KosOperation::kProductInquiry, outcome.role);
  if (outcome.value) co_return std::move(*outcome.value);
  LineFetch timed_out;
  timed_out.reply.failure = kos::fleet_fill_timed_out();
  co_return timed_out;
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
  log::warn("kos_product_list_failed", log::request_log_fields(info));
  if (reply.failure) co_return kos::kos_refusal<ProductStatus>(*reply.failure);
  co_return refuse(ProductStatus::kInternal);
}

boost::asio::awaitable<bool> ProductService::warm_catalogue(RequestInfo info) {
  auto reply = co_await kos_.list_products(kos::call_context_for(info));
  if (!reply.ok()) co_return false;
  co_await cache_.store_catalogue(*reply.data);
  co_return true;
}

boost::asio::awaitable<void> ProductService::forget_line(std::string line_number,
                                                         boost::json::object log_fields) {
  bool forgotten = co_await cache_.forget_line(line_number);
  if (!forgotten) {
    log_fields["line"] = masked_line_number(line_number);
    log::warn("product_cache_invalidation_failed", std::move(log_fields));
  }
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
