// ChangeStore in PostgreSQL (db/product): the change records are partitioned by month;
// two unique indexes of the small guard table (kept in step by a trigger) refuse a second
// change in flight per line and a second use of an Idempotency-Key, the settle UPDATE's
// WHERE clause encodes the state machine (a late writer never moves a settled change),
// and the reconciler's lease is a claimed_until column taken with SKIP LOCKED. The SQL is
// in queries.hpp. Entry points: PgChangeStore, register_statements.
#pragma once
#include "change_store.hpp"

namespace phonebill::storage {
class PgPool;
}

namespace phonebill::product {

class PgChangeStore final : public ChangeStore {
 public:
  explicit PgChangeStore(storage::PgPool& pool) : pool_(pool) {}
  static void register_statements(storage::PgPool& pool);

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
  storage::PgPool& pool_;
};

}  // namespace phonebill::product
