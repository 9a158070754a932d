// bill-inquiry's history in PostgreSQL (SPEC §5, db/bill): the rows of one request and
// its KOS calls, batch inserts for the group-commit writer, and the reads behind
// /inquiry/{requestId} and /history. Entry points: PgHistoryStore::register_statements,
// insert_batch, find, list.
#pragma once
#include <vector>

#include "history_store.hpp"
#include "storage/pg_result.hpp"

namespace phonebill::storage {
class PgPool;
}

namespace phonebill::bill {

class PgHistoryStore final : public HistoryStore {
 public:
  explicit PgHistoryStore(storage::PgPool& pool) : pool_(pool) {}
  static void register_statements(storage::PgPool& pool);

  // Inserts every entry (requests, then KOS calls) in one transaction.
  boost::asio::awaitable<storage::PgResult<void>> insert_batch(
      const std::vector<const HistoryEntry*>& entries, Deadline deadline);

  boost::asio::awaitable<Result<std::optional<HistoryRecord>, BillStatus>> find(
      std::string request_id, Deadline deadline) override;
  boost::asio::awaitable<Result<HistoryPage, BillStatus>> list(history::HistoryFilter filter,
                                                               Deadline deadline) override;

 private:
  storage::PgPool& pool_;
};

}  // namespace phonebill::bill
