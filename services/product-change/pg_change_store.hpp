// ChangeStore in PostgreSQL (db/product): the change records are partitioned by month;
// two unique indexes of the small guard table (kept in step by a trigger) refuse a second
// change in flight per line and a second use of an Idempotency-Key, the settle UPDATE's
// WHERE clause encodes the state machine (a late writer never moves a settled change),
// and the reconciler's lease is a claimed_until column taken with SKIP LOCKED. The line
// and KOS's message are sealed on every write and read in either form (sealed_changes.hpp,
// db/product/006). The SQL is in queries.hpp. Entry points: PgChangeStore,
// register_statements.
#pragma once
#include <functional>

#include "change_store.hpp"
#include "storage/pg_result.hpp"

namespace phonebill::storage {
class PgPool;
}

namespace phonebill::product {

class SealedChanges;

class PgChangeStore final : public ChangeStore {
 public:
  // `pool` and `sealed` must outlive the store.
  PgChangeStore(storage::PgPool& pool, const SealedChanges& sealed)
      : pool_(pool), sealed_(sealed) {}
  static void register_statements(storage::PgPool& pool);

  // From now on a settle writes the record's events (change_events.hpp) to the outbox in
  // its own transaction, and calls `committed` after each commit that wrote some (the
  // relay looks at once). Unset: the outbox is off.
  void write_events(std::function<void()> committed) { events_committed_ = std::move(committed); }

  boost::asio::awaitable<StoreResult<InsertResult>> insert(ChangeRecord record,
                                                           Deadline deadline) override;
  boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> settle(
      std::string request_id, ChangeOutcome outcome, std::optional<std::string> previous_name,
      std::optional<std::vector<Check>> checks, Deadline deadline) override;
  boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> find(std::string request_id,
                                                                        Deadline deadline) override;
  boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> find_by_key(
      std::string user_id, std::string key, Deadline deadline) override;
  boost::asio::awaitable<StoreResult<void>> release_key(std::string request_id,
                                                        Deadline deadline) override;
  boost::asio::awaitable<StoreResult<ChangePage>> list(HistoryFilter filter,
                                                       Deadline deadline) override;
  boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> claim_next(
      std::chrono::milliseconds stale_after, std::chrono::milliseconds lease,
      Deadline deadline) override;
  boost::asio::awaitable<StoreResult<void>> release_claim(std::string request_id,
                                                          std::chrono::milliseconds retry_after,
                                                          Deadline deadline) override;

 private:
  // settle() with the outbox on: the UPDATE and the events in one transaction.
  boost::asio::awaitable<StoreResult<std::optional<ChangeRecord>>> settle_with_events(
      std::string request_id, storage::PgParams params, Deadline deadline);

  storage::PgPool& pool_;
  const SealedChanges& sealed_;
  std::function<void()> events_committed_;  // set: the outbox is on
};

}  // namespace phonebill::product
