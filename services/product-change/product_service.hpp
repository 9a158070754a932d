// product-change's domain (SPEC §6): menu, available plans with price deltas, pre-check,
// the change itself (idempotency, one change in flight per line, the record written
// before KOS is called, the KOS answer mapped by change_state.hpp, caches invalidated on
// completion), one change by id, and history. Plain values or a ProductStatus refusal —
// no HTTP, no JSON: handlers render (handlers/product_answers.cpp, product_views.hpp).
// A line's customer and plan is read from the cache, else from KOS with concurrent misses
// coalesced — in this process by a single flight, across instances by a fill lock.
// I/O enters through KosClient, ProductCache, ChangeStore and the Clock. Entry points:
// ProductService::menu, available, validate, change, find_change, history,
// warm_catalogue.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "change_record.hpp"
#include "change_store.hpp"
#include "core/clock.hpp"
#include "core/request_info.hpp"
#include "core/result.hpp"
#include "kos/kos_client.hpp"
#include "precheck.hpp"
#include "product_cache.hpp"
#include "product_status.hpp"
#include "resilience/fleet_coalescing.hpp"
#include "security/access_token.hpp"

namespace phonebill::kos {
class KosObserver;
}

namespace phonebill::product {

class ProductMetrics;

inline constexpr std::string_view kProductChangePermission = "PRODUCT_CHANGE";

// Raw inputs (the handler has checked JSON types only).
struct ValidationInput {
  std::optional<std::string> line_number;
  std::optional<std::string> target_product_code;
};
struct ChangeInput {
  std::optional<std::string> line_number;
  std::optional<std::string> current_product_code;
  std::optional<std::string> target_product_code;
  std::optional<std::string> idempotency_key;  // the header, when sent
};
using history::HistoryQuery;

// GET /available: the plans the line may move to, each with its price difference.
struct PricedProduct {
  kos::Product product;
  std::int64_t price_delta = 0;  // KRW/month, target − current
};
struct AvailablePlans {
  kos::Product current;
  std::vector<PricedProduct> products;
};

// The pre-check as a question (a FAIL is an answer here, not a refusal).
struct Validation {
  Precheck precheck;
  std::string current_product_code;
  std::string target_product_code;
  std::optional<std::int64_t> price_delta;  // when the target is in the catalogue
};

class ProductService {
 public:
  // All references must outlive the service.
  // `fleet`: cross-instance coalescing of a line's misses (SPEC §7); none by default.
  ProductService(kos::KosClient& kos, ProductCache& cache, ChangeStore& store, const Clock& clock,
                 std::chrono::milliseconds idempotency_ttl, resilience::FleetCoalescing fleet = {});
  ~ProductService();
  // `kos_observer` is told what each coalesced miss did (kos_coalesced_total).
  void set_metrics(ProductMetrics* metrics, kos::KosObserver* kos_observer = nullptr) {
    metrics_ = metrics;
    kos_observer_ = kos_observer;
  }

  // The caller's customer data and current plan.
  boost::asio::awaitable<Result<kos::ProductInquiryResult, ProductStatus>> menu(
      security::VerifiedToken caller, RequestInfo info);
  boost::asio::awaitable<Result<AvailablePlans, ProductStatus>> available(
      security::VerifiedToken caller, RequestInfo info);
  boost::asio::awaitable<Result<Validation, ProductStatus>> validate(security::VerifiedToken caller,
                                                                     ValidationInput input,
                                                                     RequestInfo info);
  // The change as its record now stands: answer_for(record) says what it means
  // (completed, pending, refused by the pre-check or KOS, in progress elsewhere). A
  // refusal when no record was written (bad input, KOS down before, a busy line, ...).
  boost::asio::awaitable<Result<ChangeRecord, ProductStatus>> change(security::VerifiedToken caller,
                                                                     ChangeInput input,
                                                                     RequestInfo info);
  boost::asio::awaitable<Result<ChangeRecord, ProductStatus>> find_change(
      security::VerifiedToken caller, std::string request_id, RequestInfo info);
  boost::asio::awaitable<Result<ChangePage, ProductStatus>> history(security::VerifiedToken caller,
                                                                    HistoryQuery query,
                                                                    RequestInfo info);

  // Loads the catalogue from KOS into the cache (start-up); false if KOS did not answer.
  boost::asio::awaitable<bool> warm_catalogue(RequestInfo info);
  // The catalogue from the cache, else from KOS (then cached).
  boost::asio::awaitable<Result<kos::ProductList, ProductStatus>> catalogue(
      const RequestInfo& info);
  // After a completed change (here or in the reconciler): the line's cache is stale.
  // `log_fields`: the ids of the request (or change) a failure's log line is about.
  boost::asio::awaitable<void> forget_line(std::string line_number, boost::json::object log_fields);

 private:
  // A change's checked inputs.
  struct ChangeRequest {
    std::string line_number;
    std::string current_code;
    std::string target_code;
    std::optional<std::string> idempotency_key;
    std::string fingerprint;
  };
  // A record already answering for an Idempotency-Key, or for nothing.
  using Held = Result<std::optional<ChangeRecord>, ProductStatus>;

  struct LineFetch;    // KOS's answer for a line, or another instance's fill
  struct LineFlights;  // the coalescing of concurrent misses (resilience::SingleFlight)

  // The line's customer and plan from the cache, else KOS (then cached).
  boost::asio::awaitable<Result<kos::ProductInquiryResult, ProductStatus>> line_snapshot(
      std::string line, const RequestInfo& info);
  // One KOS product inquiry for `line` per fleet, or the cache another instance filled.
  boost::asio::awaitable<LineFetch> fetch_line(std::string line, RequestInfo info);

  // The change, step by step (product_change.cpp).
  Result<ChangeRequest, ProductStatus> check_change(const security::VerifiedToken& caller,
                                                    const ChangeInput& input) const;
  // The live record holding the caller's key (a key whose time is over is freed).
  boost::asio::awaitable<Held> held_by_key(const std::string& user_id, const std::string& key,
                                           const RequestInfo& info);
  // The first answer of the key's request (kIdempotencyKeyReused for another body).
  Result<ChangeRecord, ProductStatus> replay(const ChangeRecord& record,
                                             const std::string& fingerprint) const;
  ChangeRecord new_record(const security::VerifiedToken& caller, const ChangeRequest& request,
                          const kos::ProductInquiryResult& line, const kos::ProductList& catalogue,
                          const RequestInfo& info) const;
  // Writes the REQUESTED record: nullopt when it is ours to carry on with; else the
  // answer (a busy line, or the twin request that holds the same key).
  boost::asio::awaitable<std::optional<Result<ChangeRecord, ProductStatus>>> insert_record(
      const ChangeRecord& record, const ChangeRequest& request, const RequestInfo& info);
  boost::asio::awaitable<Result<ChangeRecord, ProductStatus>> record_precheck_failure(
      const ChangeRecord& record, const Precheck& precheck, const RequestInfo& info);
  // Sends the change to KOS under the record's id and settles the record from the answer.
  boost::asio::awaitable<Result<ChangeRecord, ProductStatus>> send_change(
      ChangeRecord record, const kos::ProductInquiryResult& line, const kos::ProductList& catalogue,
      const RequestInfo& info);

  kos::KosClient& kos_;
  ProductCache& cache_;
  ChangeStore& store_;
  const Clock& clock_;
  std::chrono::milliseconds idempotency_ttl_;
  resilience::FleetCoalescing fleet_;
  ProductMetrics* metrics_ = nullptr;
  kos::KosObserver* kos_observer_ = nullptr;
  std::unique_ptr<LineFlights> line_flights_;
};

}  // namespace phonebill::product
