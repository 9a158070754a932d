// product-change's domain (SPEC §6): menu, available plans with price deltas, pre-check,
// the change itself (idempotency, one change in flight per line, the record written
// before KOS is called, the KOS answer mapped by change_state.hpp, caches invalidated on
// completion), one change by id, and history. No HTTP types: handlers adapt, this
// decides. Entry points: ProductService::menu, available, validate, change, find_change,
// history, warm_catalogue.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <optional>
#include <string>

#include "change_store.hpp"
#include "http/api_error.hpp"
#include "http/history_query.hpp"
#include "http/outcome.hpp"
#include "kos/kos_client.hpp"
#include "precheck.hpp"
#include "product_cache.hpp"
#include "security/access_token.hpp"

namespace phonebill::product {

class ProductMetrics;

inline constexpr std::string_view kProductChangePermission = "PRODUCT_CHANGE";
inline constexpr std::string_view kCurrentProductMatch = "CURRENT_PRODUCT_MATCH";

using http::Failure;
using http::Outcome;

// A success answer: 200, or 202 for a change whose outcome is not known yet.
struct Answer {
  int status = 200;
  boost::json::object data;
};

struct RequestInfo {
  std::string http_request_id;
  std::string traceparent;
  std::string trace_id;
  Deadline deadline;
};

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
using http::HistoryQuery;

// Product codes are 1–40 of [A-Za-z0-9_-] (KOS's rule); keys 1–100 visible ASCII.
bool is_product_code(std::string_view text);
bool is_idempotency_key(std::string_view text);
// What an Idempotency-Key promises: the same line, current and target plan.
std::string change_fingerprint(const std::string& line, const std::string& current,
                               const std::string& target);
// The answer a stored change gives (first answer, replay and lookup alike): COMPLETED
// 200, PENDING 202, PRECHECK_FAILED / FAILED their stored error, REQUESTED 409
// CHANGE_IN_PROGRESS.
Outcome<Answer> answer_for(const ChangeRecord& record);

class ProductService {
 public:
  // All references must outlive the service.
  ProductService(kos::KosClient& kos, ProductCache& cache, ChangeStore& store,
                 std::chrono::milliseconds idempotency_ttl);
  void set_metrics(ProductMetrics* metrics) { metrics_ = metrics; }

  boost::asio::awaitable<Outcome<Answer>> menu(security::VerifiedToken caller, RequestInfo info);
  boost::asio::awaitable<Outcome<Answer>> available(security::VerifiedToken caller,
                                                    RequestInfo info);
  boost::asio::awaitable<Outcome<Answer>> validate(security::VerifiedToken caller,
                                                   ValidationInput input, RequestInfo info);
  boost::asio::awaitable<Outcome<Answer>> change(security::VerifiedToken caller, ChangeInput input,
                                                 RequestInfo info);
  boost::asio::awaitable<Outcome<Answer>> find_change(security::VerifiedToken caller,
                                                      std::string request_id, RequestInfo info);
  boost::asio::awaitable<Outcome<Answer>> history(security::VerifiedToken caller,
                                                  HistoryQuery query, RequestInfo info);

  // Loads the catalogue from KOS into the cache (start-up); false if KOS did not answer.
  boost::asio::awaitable<bool> warm_catalogue(RequestInfo info);
  // The catalogue from the cache, else from KOS (then cached); a failure is the API error.
  boost::asio::awaitable<Outcome<kos::ProductList>> catalogue(const RequestInfo& info);
  // After a completed change (here or in the reconciler): the line's cache is stale.
  boost::asio::awaitable<void> forget_line(std::string line_number);

 private:
  // The caller's line (lineNumber checked and owned), or the 400/403 failure.
  Outcome<std::string> owned_line(const security::VerifiedToken& caller,
                                  const std::optional<std::string>& input) const;
  // The line's customer and plan from the cache, else KOS (then cached).
  boost::asio::awaitable<Outcome<kos::ProductInquiryResult>> line_snapshot(std::string line,
                                                                           const RequestInfo& info);
  // The first answer of the request holding an Idempotency-Key (422 for another body).
  Outcome<Answer> replay(const ChangeRecord& record, const std::string& fingerprint) const;

  kos::KosClient& kos_;
  ProductCache& cache_;
  ChangeStore& store_;
  std::chrono::milliseconds idempotency_ttl_;
  ProductMetrics* metrics_ = nullptr;
};

}  // namespace phonebill::product
