// The change records in PostgreSQL (db/product): insert a REQUESTED record (the database
// refuses a second change in flight for a line and a second use of an Idempotency-Key),
// settle it by the state machine's rules, read one or a page, and the reconciler's
// lease on one unsettled record. Entry points: ChangeStore::insert, settle, find,
// find_by_key, list, claim_next, release_claim.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

#include "change_state.hpp"
#include "core/clock.hpp"
#include "history/history_query.hpp"
#include "storage/pg_pool.hpp"

namespace phonebill::product {

struct ChangeRecord {
  std::string request_id;
  std::string user_id;
  std::string line_number;
  std::string previous_product_code;
  std::string previous_product_name;
  std::string target_product_code;
  std::string target_product_name;
  ChangeStatus status = ChangeStatus::kRequested;
  std::optional<std::string> idempotency_key;
  std::string fingerprint;
  std::optional<int> http_status;
  std::optional<std::string> result_code;
  std::optional<std::string> result_message;
  std::optional<std::string> kos_result_code;
  boost::json::value checks;  // array of {type, result, message}, or null
  std::optional<std::string> kos_order_number;
  std::optional<std::string> effective_date;
  SystemTime requested_at;
  std::optional<SystemTime> processed_at;
  bool stale = false;  // claim_unsettled only: older than the stale threshold
  // Not stored: where the request came from (insert only).
  std::string http_request_id;
  std::string trace_id;
};

enum class InsertResult { kInserted, kLineBusy, kKeyTaken };

using history::HistoryFilter;
using ChangePage = history::Page<ChangeRecord>;

class ChangeStore {
 public:
  explicit ChangeStore(storage::PgPool& pool) : pool_(pool) {}
  static void register_statements(storage::PgPool& pool);

  // Writes `record` as REQUESTED. kLineBusy: the line has a REQUESTED/PENDING change;
  // kKeyTaken: the user's Idempotency-Key names another live request.
  boost::asio::awaitable<storage::PgResult<InsertResult>> insert(ChangeRecord record,
                                                                 phonebill::Deadline deadline);
  // Moves the record to `outcome` if the state machine allows it from its current status;
  // the record as it now stands (settled by someone else: unchanged), nullopt if unknown.
  boost::asio::awaitable<storage::PgResult<std::optional<ChangeRecord>>> settle(
      std::string request_id, ChangeOutcome outcome, std::optional<std::string> previous_name,
      boost::json::value checks, phonebill::Deadline deadline);
  boost::asio::awaitable<storage::PgResult<std::optional<ChangeRecord>>> find(
      std::string request_id, phonebill::Deadline deadline);
  // The request holding `key` for `user` within `ttl`; frees the key when its time is over.
  boost::asio::awaitable<storage::PgResult<std::optional<ChangeRecord>>> find_by_key(
      std::string user_id, std::string key, std::chrono::milliseconds ttl,
      phonebill::Deadline deadline);
  boost::asio::awaitable<storage::PgResult<ChangePage>> list(HistoryFilter filter,
                                                             phonebill::Deadline deadline);

  // Reconciler: leases the next unsettled record for `lease` (PENDING ones, REQUESTED
  // ones only when older than `stale_after`), nullopt when none is free. One short
  // statement: the caller talks to KOS outside any transaction, then settles (which
  // clears the lease) or releases the record.
  boost::asio::awaitable<storage::PgResult<std::optional<ChangeRecord>>> claim_next(
      std::chrono::milliseconds stale_after, std::chrono::milliseconds lease,
      phonebill::Deadline deadline);
  // Puts an unsettled record back, not to be claimed for `retry_after`.
  boost::asio::awaitable<storage::PgResult<void>> release_claim(
      std::string request_id, std::chrono::milliseconds retry_after, phonebill::Deadline deadline);

 private:
  storage::PgPool& pool_;
};

}  // namespace phonebill::product
