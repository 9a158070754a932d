// Where change records live (the role; PgChangeStore is the PostgreSQL implementation,
// tests use an in-memory one): insert a REQUESTED record (refusing a second change in
// flight for a line and a second use of an Idempotency-Key), settle it by the state
// machine's rules, read one or a page, and the reconciler's lease on one unsettled
// record. Entry points: ChangeStore::insert, settle, find, find_by_key, release_key,
// list, claim_next, release_claim.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "change_record.hpp"
#include "core/deadline.hpp"
#include "history/history_query.hpp"
#include "history/page.hpp"

namespace phonebill::product {

// The store did not answer (what went wrong, for the log).
struct StoreError {
  std::string detail;
};
template <typename T>
using StoreResult = boost::system::result<T, StoreError>;

enum class InsertResult { kInserted, kLineBusy, kKeyTaken };

using history::HistoryFilter;

using ChangePage = history::Page<ChangeRecord>;

class ChangeStore {
 public:
  virtual ~ChangeStore() = default;

  // Writes `record` as REQUESTED. kLineBusy: the line has a REQUESTED/PENDING change;
  // kKeyTaken: another record holds the user's Idempotency-Key.
  virtual boost::asio::awaitable<StoreResult<InsertResult>> insert(ChangeRecord record,
                                                                   Deadline deadline) = 0;
  // Moves the record to `outcome` if the state machine allows it from its current status
  // (and ends a reconciler's lease); the record as it now stands (settled by someone
  // else: unchanged), nullopt if unknown. `previous_name` goes with
  // outcome.previous_product_code; `checks` are kept when given.
  virtual boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> settle(
      std::string request_id, ChangeOutcome outcome, std::optional<std::string> previous_name,
      std::optional<std::vector<Check>> checks, Deadline deadline) = 0;
  virtual boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> find(
      std::string request_id, Deadline deadline) = 0;
  // The record holding `key` for `user`, however old (the service decides whether its
  // time is over).
  virtual boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> find_by_key(
      std::string user_id, std::string key, Deadline deadline) = 0;
  // Frees the Idempotency-Key `request_id` holds (its time is over).
  virtual boost::asio::awaitable<StoreResult<void>> release_key(std::string request_id,
                                                                Deadline deadline) = 0;
  virtual boost::asio::awaitable<StoreResult<ChangePage>> list(HistoryFilter filter,
                                                               Deadline deadline) = 0;

  // Reconciler: leases the next unsettled record for `lease` (PENDING ones, REQUESTED
  // ones only when older than `stale_after`), nullopt when none is free. A leased record
  // is not handed out again until its lease ends or it is settled or released.
  virtual boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> claim_next(
      std::chrono::milliseconds stale_after, std::chrono::milliseconds lease,
      Deadline deadline) = 0;
  // Puts an unsettled record back, not to be claimed for `retry_after`.
  virtual boost::asio::awaitable<StoreResult<void>> release_claim(
      std::string request_id, std::chrono::milliseconds retry_after, Deadline deadline) = 0;
};

}  // namespace phonebill::product
