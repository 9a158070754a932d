// bill-inquiry's history in PostgreSQL (SPEC §5, db/bill): the rows of one request and
// its KOS calls, batch inserts for the group-commit writer, and the reads behind
// /inquiry/{requestId} and /history. A request's line, result summary and bill and a KOS
// call's message are sealed (bill_sealing.hpp; rows from before db/bill/004 are read
// clear), and "history of this line" goes through the line's blind index.
// Entry points: PgHistoryStore::register_statements, insert_batch, find, list.
#pragma once
#include <functional>
#include <vector>

#include "crypto/sealed_columns.hpp"
#include "history_store.hpp"
#include "storage/pg_result.hpp"
#include "written_documents.hpp"

namespace phonebill::storage {
class PgPool;
}

namespace phonebill::bill {

struct HistoryBatchParams;

class PgHistoryStore final : public HistoryStore {
 public:
  // Bill documents remembered as committed (about 100 bytes each): a line's bill of a
  // month is one; more than this many hot ones at once cost one skipped insert each.
  static constexpr std::size_t kRememberedDocuments = 65'536;

  // Keeps references: the pool and `sealed` (its key ring) must outlive the store.
  PgHistoryStore(storage::PgPool& pool, const crypto::SealedColumns& sealed)
      : pool_(pool), sealed_(sealed) {}
  static void register_statements(storage::PgPool& pool);

  // From now on each entry's event (bill_events.hpp) is written to the outbox in the
  // entries' transaction, and `committed` is called after each commit that wrote some
  // (the relay looks at once). Unset: the outbox is off.
  void write_events(std::function<void()> committed) { events_committed_ = std::move(committed); }

  // Inserts every entry (the bill documents they showed that this process has not
  // committed yet, requests, KOS calls, then their events) in one transaction.
  boost::asio::awaitable<storage::PgResult<void>> insert_batch(
      const std::vector<const HistoryEntry*>& entries, Deadline deadline);

  boost::asio::awaitable<Result<std::optional<HistoryRecord>, BillStatus>> find(
      std::string request_id, Deadline deadline) override;
  boost::asio::awaitable<Result<HistoryPage, BillStatus>> list(history::HistoryFilter filter,
                                                               Deadline deadline) override;

 private:
  boost::asio::awaitable<storage::PgResult<void>> insert_in_transaction(
      const HistoryBatchParams& batch, const std::vector<const HistoryEntry*>& entries,
      Deadline deadline);
  storage::PgResult<HistoryRecord> read_record(const storage::PgRows& rows, std::size_t row) const;

  storage::PgPool& pool_;
  const crypto::SealedColumns& sealed_;
  std::function<void()> events_committed_;  // set: the outbox is on
  WrittenDocuments written_documents_{kRememberedDocuments};
};

}  // namespace phonebill::bill
